/*
 * `par`: the inner steps on N threads, each repeating them `iterations` times, released together by one
 * event so the requests really overlap. Results are aggregated per inner step (PROTOCOL.md): reporting
 * every call of 64 x 100000 would be a gigabyte line, and the verdict needs counts, distinct outputs and
 * latencies, not each call.
 */
#include "guest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char key[24];
    uint64_t count;
} kv;

/* A small counting map; past LAB_MAP_KEYS distinct keys, calls are counted under "other" so a driver that
 * returns a different length every time cannot make the runner quadratic. */
typedef struct {
    kv *v;
    size_t n, cap;
    uint64_t other;
} kv_map;

typedef struct {
    unsigned char *bytes;
    size_t len;
    uint64_t hash, count;
} distinct_out;

typedef struct {
    CRITICAL_SECTION lock; /* not an SRW lock: those need Vista, and the runner also runs on NT 5.2 (ReactOS) */
    uint64_t calls, guard, outs_more;
    kv_map errors, returned;
    distinct_out outs[LAB_PAR_OUTS];
    unsigned nouts;
    int lock_ready;
    float *lat;           /* ioctl: threads x iterations latencies, each thread writes its own slice */
    unsigned char *input; /* ioctl with an x: payload: one buffer, read by every thread */
} sub_agg;

typedef struct par_ctx par_ctx;

typedef struct {
    par_ctx *ctx;
    unsigned index;
    HANDLE own[LAB_MAX_SLOTS];
    unsigned char owned[LAB_MAX_SLOTS];
    unsigned char **in;  /* per inner step: this thread's t: input (or NULL) */
    unsigned char **out; /* per inner step: this thread's output buffer with its guard */
} thread_ctx;

struct par_ctx {
    const plan_header *h;
    const step *s;
    HANDLE *case_slots;
    HANDLE go;
    volatile LONG abort; /* set when the par is refused after some threads were made: they run nothing */
    sub_agg *agg;
    thread_ctx *threads;
};

static void map_add(kv_map *m, uint64_t key)
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

static uint64_t fnv1a(const unsigned char *p, size_t n)
{
    uint64_t h = 14695981039346656037ull;
    for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 1099511628211ull;
    return h;
}

static void record_output(sub_agg *a, const unsigned char *p, size_t n, uint64_t hash)
{
    for (unsigned i = 0; i < a->nouts; i++) {
        distinct_out *o = &a->outs[i];
        if (o->hash == hash && o->len == n && (n == 0 || memcmp(o->bytes, p, n) == 0)) {
            o->count++;
            return;
        }
    }
    if (a->nouts < LAB_PAR_OUTS) {
        unsigned char *copy = malloc(n ? n : 1);
        if (copy) {
            memcpy(copy, p, n);
            a->outs[a->nouts++] = (distinct_out){copy, n, hash, 1};
            return;
        }
    }
    a->outs_more++;
}

/* The handle a thread means by a slot: its own once it opened that slot, else the case's. */
static HANDLE slot_handle(thread_ctx *t, unsigned slot)
{
    return t->owned[slot] ? t->own[slot] : t->ctx->case_slots[slot];
}

static void run_inner(thread_ctx *t, size_t k, unsigned iteration)
{
    par_ctx *c = t->ctx;
    const step *s = &c->s->sub[k];
    sub_agg *a = &c->agg[k];
    DWORD e = 0;
    switch (s->kind) {
    case S_OPEN:
        if (t->owned[s->slot] && t->own[s->slot]) CloseHandle(t->own[s->slot]);
        t->own[s->slot] = open_device(c->h, s->access, &e);
        t->owned[s->slot] = 1;
        break;
    case S_CLOSE:
        /* Only the thread's own handle: closing the shared case handle from many threads would race. */
        e = ERROR_INVALID_HANDLE;
        if (t->owned[s->slot] && t->own[s->slot]) e = CloseHandle(t->own[s->slot]) ? 0 : GetLastError();
        t->own[s->slot] = NULL;
        t->owned[s->slot] = 1;
        break;
    case S_SLEEP:
        Sleep(s->ms);
        break;
    case S_IOCTL: {
        if (s->refused[0]) return;
        HANDLE h = slot_handle(t, s->slot);
        const unsigned char *in = t->in[k] ? t->in[k] : a->input;
        unsigned char *out = t->out[k];
        DWORD out_len = (DWORD)s->out_len;
        ioctl_result r = {ERROR_INVALID_HANDLE, 0, 0, 0};
        if (h) r = do_ioctl(h, s->code, in, (DWORD)s->in_len, out, out_len);
        size_t shown = r.n < out_len ? r.n : out_len;
        if (shown > LAB_OUT_CAP) shown = LAB_OUT_CAP;
        const unsigned char *bytes = out ? out : (const unsigned char *)"";
        if (!out) shown = 0;
        uint64_t hash = fnv1a(bytes, shown); /* outside the lock: the lock only confirms */
        a->lat[(size_t)t->index * c->s->iterations + iteration] = (float)r.us;
        EnterCriticalSection(&a->lock);
        a->calls++;
        map_add(&a->errors, r.e);
        map_add(&a->returned, r.n);
        if (r.guard_damaged) a->guard++;
        record_output(a, bytes, shown, hash);
        LeaveCriticalSection(&a->lock);
        return;
    }
    default:
        return;
    }
    EnterCriticalSection(&a->lock);
    a->calls++;
    if (s->kind != S_SLEEP) map_add(&a->errors, e);
    LeaveCriticalSection(&a->lock);
}

static DWORD WINAPI thread_main(void *arg)
{
    thread_ctx *t = arg;
    par_ctx *c = t->ctx;
    WaitForSingleObject(c->go, INFINITE);
    if (c->abort) return 0;
    for (unsigned it = 0; it < c->s->iterations; it++)
        for (size_t k = 0; k < c->s->nsub; k++) run_inner(t, k, it);
    for (unsigned i = 0; i < LAB_MAX_SLOTS; i++)
        if (t->owned[i] && t->own[i]) CloseHandle(t->own[i]);
    return 0;
}

static int cmp_float(const void *x, const void *y)
{
    float a = *(const float *)x, b = *(const float *)y;
    return a < b ? -1 : a > b;
}

static void jb_map(jbuf *b, const kv_map *m)
{
    jb_lit(b, "{");
    for (size_t i = 0; i < m->n; i++) {
        if (i) jb_lit(b, ",");
        jb_cstr(b, m->v[i].key);
        jb_lit(b, ":");
        jb_u64(b, m->v[i].count);
    }
    if (m->other) {
        if (m->n) jb_lit(b, ",");
        jb_lit(b, "\"other\":");
        jb_u64(b, m->other);
    }
    jb_lit(b, "}");
}

/* Nearest rank: the smallest sample with at least q of all samples at or below it. */
static double percentile(const float *sorted, size_t n, double q)
{
    size_t rank = (size_t)(q * (double)n + 0.999999);
    if (rank < 1) rank = 1;
    if (rank > n) rank = n;
    return sorted[rank - 1];
}

static void jb_sub(jbuf *b, const step *s, sub_agg *a, size_t samples)
{
    static const char *const kinds[] = {"open", "close", "ioctl", "par", "exec", "load", "unload", "sleep"};
    if (s->kind == S_IOCTL && s->refused[0]) {
        jb_refused(b, "ioctl", s->refused);
        return;
    }
    jb_lit(b, "{\"k\":\"");
    jb_lit(b, kinds[s->kind]);
    jb_lit(b, "\",\"calls\":");
    jb_u64(b, a->calls);
    if (s->kind == S_SLEEP) {
        jb_lit(b, "}");
        return;
    }
    jb_lit(b, ",\"errors\":");
    jb_map(b, &a->errors);
    if (s->kind != S_IOCTL) {
        jb_lit(b, "}");
        return;
    }
    jb_lit(b, ",\"returned\":");
    jb_map(b, &a->returned);
    jb_lit(b, ",\"outs\":[");
    for (unsigned i = 0; i < a->nouts; i++) {
        if (i) jb_lit(b, ",");
        jb_lit(b, "[");
        jb_hex(b, a->outs[i].bytes, a->outs[i].len);
        jb_lit(b, ",");
        jb_u64(b, a->outs[i].count);
        jb_lit(b, "]");
    }
    jb_lit(b, "],\"outsMore\":");
    jb_u64(b, a->outs_more);
    qsort(a->lat, samples, sizeof *a->lat, cmp_float);
    jb_lit(b, ",\"p50\":");
    jb_us(b, samples ? percentile(a->lat, samples, 0.50) : 0);
    jb_lit(b, ",\"p99\":");
    jb_us(b, samples ? percentile(a->lat, samples, 0.99) : 0);
    jb_lit(b, ",\"max\":");
    jb_us(b, samples ? a->lat[samples - 1] : 0);
    jb_lit(b, ",\"g\":");
    jb_u64(b, a->guard);
    jb_lit(b, "}");
}

/* Buffers for every thread, made before any thread starts: a failure refuses the whole par cleanly. */
static const char *prepare(par_ctx *c, size_t samples)
{
    const step *s = c->s;
    for (size_t k = 0; k < s->nsub; k++) {
        const step *in = &s->sub[k];
        sub_agg *a = &c->agg[k];
        InitializeCriticalSection(&a->lock);
        a->lock_ready = 1;
        if (in->kind != S_IOCTL || in->refused[0]) continue;
        if (!(a->lat = calloc(samples, sizeof *a->lat))) return "no memory for the latency samples";
        int failed = 0;
        if (in->payload == P_PATTERN && !(a->input = make_input(in, 0, &failed)) && failed) return "no memory for the input";
    }
    for (unsigned i = 0; i < s->threads; i++) {
        thread_ctx *t = &c->threads[i];
        t->ctx = c;
        t->index = i;
        t->in = calloc(s->nsub ? s->nsub : 1, sizeof *t->in);
        t->out = calloc(s->nsub ? s->nsub : 1, sizeof *t->out);
        if (!t->in || !t->out) return "out of memory";
        for (size_t k = 0; k < s->nsub; k++) {
            const step *in = &s->sub[k];
            int failed = 0;
            if (in->kind != S_IOCTL || in->refused[0]) continue;
            if (in->payload == P_THREAD && !(t->in[k] = make_input(in, i, &failed)) && failed) return "no memory for the per-thread inputs";
            if (in->out_len && !(t->out[k] = alloc_output((DWORD)in->out_len))) return "no memory for the output buffers";
        }
    }
    return NULL;
}

static void release(par_ctx *c)
{
    const step *s = c->s;
    for (unsigned i = 0; c->threads && i < s->threads; i++) {
        thread_ctx *t = &c->threads[i];
        for (size_t k = 0; k < s->nsub; k++) {
            if (t->in) free(t->in[k]);
            if (t->out) free(t->out[k]);
        }
        free(t->in);
        free(t->out);
    }
    for (size_t k = 0; c->agg && k < s->nsub; k++) {
        sub_agg *a = &c->agg[k];
        if (a->lock_ready) DeleteCriticalSection(&a->lock);
        free(a->errors.v);
        free(a->returned.v);
        free(a->lat);
        free(a->input);
        for (unsigned i = 0; i < a->nouts; i++) free(a->outs[i].bytes);
    }
    free(c->agg);
    free(c->threads);
    if (c->go) CloseHandle(c->go);
}

void run_par(const plan_header *h, const step *s, HANDLE *case_slots, jbuf *b)
{
    par_ctx c = {h, s, case_slots, NULL, 0, NULL, NULL};
    HANDLE threads[LAB_MAX_THREADS];
    unsigned started = 0;
    size_t samples = (size_t)s->threads * s->iterations;
    const char *why = NULL;
    char msg[96];
    LARGE_INTEGER a0, z0;

    c.agg = calloc(s->nsub ? s->nsub : 1, sizeof *c.agg);
    c.threads = calloc(s->threads, sizeof *c.threads);
    c.go = CreateEventW(NULL, TRUE, FALSE, NULL);
    if (!c.agg || !c.threads || !c.go) why = "out of memory";
    if (!why) why = prepare(&c, samples);
    for (unsigned i = 0; !why && i < s->threads; i++) {
        /* Small stacks: 64 threads of the default 1 MiB reserve would be wasteful, the loop needs little. */
        threads[i] = CreateThread(NULL, 256 * 1024, thread_main, &c.threads[i], STACK_SIZE_PARAM_IS_A_RESERVATION, NULL);
        if (!threads[i]) {
            snprintf(msg, sizeof msg, "CreateThread failed with %lu", (unsigned long)GetLastError());
            why = msg;
            break;
        }
        started++;
    }
    QueryPerformanceCounter(&a0);
    if (why) c.abort = 1;
    if (started) {
        SetEvent(c.go);
        WaitForMultipleObjects(started, threads, TRUE, INFINITE);
    }
    QueryPerformanceCounter(&z0);

    jb_lit(b, "{\"k\":\"par\",\"threads\":");
    jb_u64(b, s->threads);
    jb_lit(b, ",\"iterations\":");
    jb_u64(b, s->iterations);
    if (why) {
        jb_lit(b, ",\"e\":null,\"error\":");
        jb_cstr(b, why);
    }
    jb_lit(b, ",\"us\":");
    jb_us(b, why ? 0 : qpc_us(a0, z0));
    jb_lit(b, ",\"sub\":[");
    for (size_t k = 0; c.agg && k < s->nsub; k++) {
        if (k) jb_lit(b, ",");
        jb_sub(b, &s->sub[k], &c.agg[k], why ? 0 : samples);
    }
    jb_lit(b, "]}");
    for (unsigned i = 0; i < started; i++) CloseHandle(threads[i]);
    release(&c);
}
