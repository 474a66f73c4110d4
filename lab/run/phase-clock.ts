/** Wall time per phase of a run (prepare, deploy, load, execute, collect, revert, report), summed over sessions. */
export class PhaseClock {
  private readonly totals = new Map<string, number>();

  add(phase: string, ms: number): void {
    this.totals.set(phase, (this.totals.get(phase) ?? 0) + Math.max(0, ms));
  }

  async time<T>(phase: string, work: () => Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await work();
    } finally {
      this.add(phase, performance.now() - start);
    }
  }

  timings(): Record<string, number> {
    return Object.fromEntries([...this.totals].map(([k, v]) => [k, Math.round(v)]));
  }
}
