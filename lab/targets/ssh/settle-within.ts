/**
 * Waits for a promise at most `ms`, and clears its timer as soon as the promise settles (a bare
 * Promise.race with setTimeout keeps a finished run alive until the timeout expires). True when the
 * promise settled in time.
 */
export function settleWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    promise.then(
      () => {
        clearTimeout(timer);
        resolve(true);
      },
      () => {
        clearTimeout(timer);
        resolve(true);
      },
    );
  });
}
