/**
 * What the guest runner accepts: the limits of driver/guest/limits.h, held equal to it by limits.test.ts.
 * A leaf both sides use from one source: suite/ (the schema refuses what the runner would, when the suite
 * is read) and guest/ (the plan encoder).
 */
export const GUEST_LIMITS = {
  /** LAB_MAX_BUFFER: bytes of one input or output buffer. */
  maxBufferLength: 16 * 1024 * 1024,
  /** LAB_MAX_THREADS, LAB_MAX_ITERATIONS: a `par` step. */
  maxThreads: 64,
  maxIterations: 100_000,
  /** LAB_MAX_SLOTS: handle slots 0..15. */
  maxSlots: 16,
  /** LAB_MAX_SLEEP_MS, LAB_MAX_EXEC_MS. */
  maxSleepMs: 60_000,
  maxExecTimeoutMs: 600_000,
  /** LAB_MAX_ID, LAB_MAX_SERVICE: UTF-8 bytes of a case id and of a service name. */
  maxIdBytes: 1024,
  maxServiceBytes: 256,
  /** LAB_MAX_ASYNC: asynchronous requests a case may have started (slots 0..15); LAB_MAX_WAIT_MS: a `wait` step's bound. */
  maxAsync: 16,
  maxWaitMs: 600_000,
  /** LAB_ASYNC_DRAIN_MS: how long the runner waits for the requests it cancels at a case's end. */
  asyncDrainMs: 2_000,
  /** LAB_MAX_LINE: bytes of one plan line. */
  maxLineBytes: 64 * 1024 * 1024,
} as const;
