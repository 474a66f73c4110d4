import { UsageError } from '../errors/lab-error.js';

/**
 * Bounded retries with exponential backoff, for harness work only (making a prefix, reaching a host,
 * reverting a VM): a driver's failure is a result, never retried here. LAVA's failure_retry, by another name.
 */
export interface RetryOptions {
  attempts: number;
  /** Delay before the second attempt; doubles each time. */
  baseDelayMs: number;
  signal?: AbortSignal;
  onRetry?(attempt: number, error: Error, delayMs: number): void;
}

export async function withRetry<T>(work: () => Promise<T>, options: RetryOptions): Promise<T> {
  let lastError: Error | undefined;
  for (let attempt = 1; attempt <= options.attempts; attempt++) {
    if (options.signal?.aborted) throw options.signal.reason;
    try {
      return await work();
    } catch (error) {
      // The suite's or the user's mistake does not go away by trying again.
      if (error instanceof UsageError) throw error;
      lastError = error as Error;
      if (options.signal?.aborted || attempt === options.attempts) break;
      const delayMs = options.baseDelayMs * 2 ** (attempt - 1);
      options.onRetry?.(attempt, lastError, delayMs);
      await sleep(delayMs, options.signal);
    }
  }
  throw lastError;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
