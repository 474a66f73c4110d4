/**
 * Ctrl-C, SIGTERM and SIGHUP, for the whole life of the process; every interruption exits 130.
 *
 * While a run is under way (`interruptSignal`), the first signal aborts it: every phase listens, tears down
 * what it started, and the reports are written with status `interrupted`. Signals within SAME_SIGNAL_MS of
 * it are the same interruption: GNU `timeout -s INT`, a CI runner or a terminal signal lab and then its
 * process group, so one request arrives twice. A signal after that quits at once (the run's forced exit
 * kills its Wine processes synchronously). Outside a run (loading a suite, `lab gate`, `lab merge`) there is
 * nothing to save: a signal exits 130 at once, and files being written are left as they were (atomic
 * writes remove their temp files on exit).
 */
export const SAME_SIGNAL_MS = 500;
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

interface Active {
  controller: AbortController;
  onForce: () => void;
  firstAt?: number;
}
let active: Active | undefined;
let installed = false;

export function installSignalHandling(): void {
  if (installed) return;
  installed = true;
  for (const name of SIGNALS) process.on(name, onSignal);
}

function onSignal(name: NodeJS.Signals): void {
  const run = active;
  if (!run) process.exit(130);
  const now = Date.now();
  if (run.firstAt === undefined) {
    run.firstAt = now;
    process.stderr.write(`\nlab: ${name}: stopping; press Ctrl-C again to quit at once\n`);
    run.controller.abort(new Error(name));
    return;
  }
  if (now - run.firstAt < SAME_SIGNAL_MS) return;
  run.onForce();
  process.exit(130);
}

/** Kills the processes of the run under way, if any, as a forced exit does; synchronous. */
export function forceStopRun(): void {
  active?.onForce();
}

/** Makes the run the signals' target until `dispose`; `onForce` runs on a forced exit and must be synchronous. */
export function interruptSignal(onForce: () => void): { signal: AbortSignal; dispose(): void } {
  installSignalHandling();
  const mine: Active = { controller: new AbortController(), onForce };
  active = mine;
  return {
    signal: mine.controller.signal,
    dispose() {
      if (active === mine) active = undefined;
    },
  };
}
