/*
 * par-stats.c: what `par` keeps of many calls (counts per value, distinct outputs, latency percentiles).
 * Plain C without Windows, so it is also built natively and checked under the sanitizers
 * (testing/native/par-stats-check.c).
 */
#ifndef LAB_PAR_STATS_H
#define LAB_PAR_STATS_H

#include "limits.h"

#include <stddef.h>
#include <stdint.h>

/* A small counting map; past LAB_MAP_KEYS distinct keys, values are counted under `other` so a driver that
 * returns a different length every time cannot make the runner quadratic. */
typedef struct {
    char key[24];
    uint64_t count;
} kv;
typedef struct {
    kv *v;
    size_t n, cap;
    uint64_t other;
} kv_map;
void map_add(kv_map *m, uint64_t key);
void map_free(kv_map *m);

/* The first LAB_PAR_OUTS distinct outputs with their counts; later distinct ones are only counted. */
typedef struct {
    unsigned char *bytes;
    size_t len;
    uint64_t hash, count;
} distinct_out;
typedef struct {
    distinct_out v[LAB_PAR_OUTS];
    unsigned n;
    uint64_t more;
} out_set;
uint64_t out_hash(const unsigned char *p, size_t n);
/* hash is out_hash(p, n), computed by the caller outside any lock. */
void outs_add(out_set *s, const unsigned char *p, size_t n, uint64_t hash);
void outs_free(out_set *s);

typedef struct {
    double p50, p99, max;
} latency;
/* Nearest-rank percentiles of n samples, sorted in place; all zero when there are none (samples may then
 * be NULL: a par that never started has no sample buffer). */
latency latency_summary(float *samples, size_t n);

#endif
