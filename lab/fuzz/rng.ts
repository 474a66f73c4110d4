/**
 * The fuzzer's one source of chance: mulberry32 (the generator suites' `random: { seed }` payloads use),
 * with a stream per batch. A batch's calls depend only on the run's seed and the batch's number, never on
 * what ran before it or how the batches were split into sessions and workers: that is what makes
 * `--seed N` and `--replay` give the same calls byte for byte.
 */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** The stream of batch `index` of a run seeded with `seed`. */
  static forBatch(seed: number, index: number): Rng {
    return new Rng(mix(mix(seed >>> 0) ^ Math.imul(index + 1, 0x9e3779b1)));
  }

  /** 32 random bits, unsigned. */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** A whole number in [0, n). */
  below(n: number): number {
    if (n <= 1) return 0;
    // Two draws for ranges past 2^32 (lengths never are; codes are at most 2^32).
    return n <= 0x1_0000_0000 ? Math.floor((this.next() / 0x1_0000_0000) * n) : Math.floor(((this.next() * 0x1_0000_0000 + this.next()) / 2 ** 64) * n);
  }

  /** A whole number in [from, to]. */
  between(from: number, to: number): number {
    return from + this.below(to - from + 1);
  }

  chance(p: number): boolean {
    return this.next() / 0x1_0000_0000 < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('Rng.pick: nothing to pick from');
    return items[this.below(items.length)]!;
  }

  /** One of `choices` by weight: [[weight, value], ...]. */
  weighted<T>(choices: ReadonlyArray<readonly [number, T]>): T {
    const total = choices.reduce((sum, [w]) => sum + w, 0);
    let at = this.below(total);
    for (const [w, value] of choices) {
      if (at < w) return value;
      at -= w;
    }
    return choices[choices.length - 1]![1];
  }

  bytes(length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) out[i] = this.next() & 0xff;
    return out;
  }
}

/** murmur3's finalizer: spreads every bit of the input over the output. */
function mix(x: number): number {
  let h = x >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
