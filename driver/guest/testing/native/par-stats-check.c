/*
 * par-stats.c, built natively under AddressSanitizer and UndefinedBehaviorSanitizer
 * (driver/guest/par-stats.native.test.ts): the edge cases a par meets (no samples at all, one sample,
 * more distinct values than the runner keeps), each checked for its result. Prints "ok" when all hold.
 */
#include "../../par-stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;

static void expect(int ok, const char *what)
{
    if (ok) return;
    fprintf(stderr, "par-stats-check: %s\n", what);
    failures++;
}

int main(void)
{
    /* A par that never started (no memory, no threads) has no sample buffer at all. */
    latency none = latency_summary(NULL, 0);
    expect(none.p50 == 0 && none.p99 == 0 && none.max == 0, "no samples: all zero");

    float one[] = {7.5f};
    latency l1 = latency_summary(one, 1);
    expect(l1.p50 == 7.5 && l1.p99 == 7.5 && l1.max == 7.5, "one sample is every percentile");

    float many[100];
    for (int i = 0; i < 100; i++) many[i] = (float)(100 - i); /* 100 .. 1, unsorted */
    latency l100 = latency_summary(many, 100);
    expect(l100.p50 == 50 && l100.p99 == 99 && l100.max == 100, "nearest rank over 1..100: p50 50, p99 99, max 100");

    kv_map m = {0};
    for (uint64_t k = 0; k < LAB_MAP_KEYS + 10; k++) map_add(&m, k);
    map_add(&m, 3);
    expect(m.n == LAB_MAP_KEYS, "the map keeps LAB_MAP_KEYS keys");
    expect(m.other == 10, "values past LAB_MAP_KEYS are counted as other");
    expect(strcmp(m.v[3].key, "3") == 0 && m.v[3].count == 2, "a repeated key is counted");
    map_free(&m);

    out_set s = {0};
    unsigned char bytes[LAB_PAR_OUTS + 2];
    for (unsigned i = 0; i < LAB_PAR_OUTS + 2; i++) {
        bytes[i] = (unsigned char)i;
        outs_add(&s, &bytes[i], 1, out_hash(&bytes[i], 1));
    }
    outs_add(&s, bytes, 0, out_hash(bytes, 0)); /* an empty output is an output too */
    outs_add(&s, &bytes[0], 1, out_hash(&bytes[0], 1));
    expect(s.n == LAB_PAR_OUTS, "the set keeps LAB_PAR_OUTS outputs");
    expect(s.more == 3, "later distinct outputs are only counted");
    expect(s.v[0].count == 2, "a repeated output is counted");
    outs_free(&s);

    if (failures) return 1;
    printf("ok\n");
    return 0;
}
