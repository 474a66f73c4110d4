#include "par-stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void map_add(kv_map *m, uint64_t key)
{
    char k[24];
    snprintf(k, sizeof k, "%llu", (unsigned long long)key);
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->v[i].key, k) == 0) {
            m->v[i].count++;
            return;
        }
    if (m->n == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 4;
        kv *v = cap <= LAB_MAP_KEYS ? realloc(m->v, cap * sizeof *v) : NULL;
        if (!v) {
            m->other++;
            return;
        }
        m->v = v;
        m->cap = cap;
    }
    memcpy(m->v[m->n].key, k, sizeof k);
    m->v[m->n++].count = 1;
}

void map_free(kv_map *m)
{
    free(m->v);
    memset(m, 0, sizeof *m);
}

uint64_t out_hash(const unsigned char *p, size_t n)
{
    uint64_t h = 14695981039346656037ull; /* FNV-1a */
    for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 1099511628211ull;
    return h;
}

void outs_add(out_set *s, const unsigned char *p, size_t n, uint64_t hash)
{
    for (unsigned i = 0; i < s->n; i++) {
        distinct_out *o = &s->v[i];
        if (o->hash == hash && o->len == n && (n == 0 || memcmp(o->bytes, p, n) == 0)) {
            o->count++;
            return;
        }
    }
    if (s->n < LAB_PAR_OUTS) {
        unsigned char *copy = malloc(n ? n : 1);
        if (copy) {
            if (n) memcpy(copy, p, n);
            s->v[s->n++] = (distinct_out){copy, n, hash, 1};
            return;
        }
    }
    s->more++;
}

void outs_free(out_set *s)
{
    for (unsigned i = 0; i < s->n; i++) free(s->v[i].bytes);
    memset(s, 0, sizeof *s);
}

static int cmp_float(const void *x, const void *y)
{
    float a = *(const float *)x, b = *(const float *)y;
    return a < b ? -1 : a > b;
}

/* The smallest sample with at least q of all samples at or below it. */
static double nearest_rank(const float *sorted, size_t n, double q)
{
    size_t rank = (size_t)(q * (double)n + 0.999999);
    if (rank < 1) rank = 1;
    if (rank > n) rank = n;
    return sorted[rank - 1];
}

latency latency_summary(float *samples, size_t n)
{
    latency l = {0, 0, 0};
    if (n == 0 || !samples) return l;
    qsort(samples, n, sizeof *samples, cmp_float);
    l.p50 = nearest_rank(samples, n, 0.50);
    l.p99 = nearest_rank(samples, n, 0.99);
    l.max = samples[n - 1];
    return l;
}
