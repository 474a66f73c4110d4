/*
 * The guest runner's limits. lab/runner-limits/limits.ts mirrors them in GUEST_LIMITS, and a test reads this
 * file to hold both equal (lab/runner-limits/limits.test.ts): the host refuses what the runner would, when the
 * suite is read.
 */
#ifndef LAB_LIMITS_H
#define LAB_LIMITS_H

#define LAB_MAX_SLOTS       16u
#define LAB_MAX_BUFFER      (16u * 1024u * 1024u)
#define LAB_MAX_THREADS     64u
#define LAB_MAX_ITERATIONS  100000u
#define LAB_MAX_SLEEP_MS    60000u
#define LAB_MAX_EXEC_MS     600000u
#define LAB_MAX_LINE        (64u * 1024u * 1024u)
#define LAB_MAX_ID          1024u
#define LAB_MAX_SERVICE     256u
#define LAB_MAX_ASYNC       16u
#define LAB_MAX_WAIT_MS     600000u
#define LAB_ASYNC_DRAIN_MS  2000u
#define LAB_GUARD_BYTES     64u
#define LAB_GUARD_VALUE     0xCC
#define LAB_OUT_CAP         (1024u * 1024u)
#define LAB_EXEC_CAP        (64u * 1024u)
#define LAB_PAR_OUTS        16u
#define LAB_MAP_KEYS        256u

#endif
