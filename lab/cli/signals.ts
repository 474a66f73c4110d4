/**
 * Ctrl-C and SIGTERM: the first one aborts the run (every phase listens to the signal, tears down what it
 * started, and the reports are written with status `interrupted`); a second one exits at once.
 */
export function interruptSignal(onForce: () => void): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  let count = 0;
  const handler = (name: NodeJS.Signals) => {
    count += 1;
    if (count === 1) {
      process.stderr.write(`\nlab: ${name}: stopping; press Ctrl-C again to quit at once\n`);
      controller.abort(new Error(name));
    } else {
      onForce();
      process.exit(130);
    }
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
