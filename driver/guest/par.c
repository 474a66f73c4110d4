/*
 * `par`: the inner steps on N threads, each repeating them `iterations` times, released together by one
 * event so the requests really overlap. Results are aggregated per inner step (PROTOCOL.md): reporting
 * every call of 64 x 100000 would be a gigabyte line, and the verdict needs counts, distinct outputs and
 * latencies, not each call.
 */
#include "par.h"
#include "par-stats.h"
#include "clock.h"
#include "ioctl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    CRITICAL_SECTION lock; /* not an SRW lock: those are Vista's, and the runner also runs on NT 5.2 */
    int lock_made;
    uint64_t calls, guard;
    kv_map errors, statuses, returned;
    out_set outs;
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
    call_status st = {0, 0};
    switch (s->kind) {
    case S_OPEN:
        if (t->owned[s->slot] && t->own[s->slot]) CloseHandle(t->own[s->slot]);
        t->own[s->slot] = open_device(c->h->device, s->access, &st);
        t->owned[s->slot] = 1;
        break;
    case S_CLOSE:
        /* Only the thread's own handle: closing the shared case handle from many threads would race. */
        st.e = ERROR_INVALID_HANDLE;
        st.s = STATUS_OF_INVALID_HANDLE;
        if (t->owned[s->slot] && t->own[s->slot]) st = close_device(t->own[s->slot]);
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
        ioctl_result r = {ERROR_INVALID_HANDLE, STATUS_OF_INVALID_HANDLE, 0, 0, 0};
        if (h) r = do_ioctl(h, s->code, in, (DWORD)s->in_len, out, out_len);
        size_t shown = r.n < out_len ? r.n : out_len;
        if (shown > LAB_OUT_CAP) shown = LAB_OUT_CAP;
        const unsigned char *bytes = out ? out : (const unsigned char *)"";
        if (!out) shown = 0;
        uint64_t hash = out_hash(bytes, shown); /* outside the lock: the lock only confirms */
        a->lat[(size_t)t->index * c->s->iterations + iteration] = (float)r.us;
        EnterCriticalSection(&a->lock);
        a->calls++;
        map_add(&a->errors, r.e);
        map_add(&a->statuses, r.s);
        map_add(&a->returned, r.n);
        if (r.guard_damaged) a->guard++;
        outs_add(&a->outs, bytes, shown, hash);
        LeaveCriticalSection(&a->lock);
        return;
    }
    default:
        return;
    }
    EnterCriticalSection(&a->lock);
    a->calls++;
    if (s->kind != S_SLEEP) {
        map_add(&a->errors, st.e);
        map_add(&a->statuses, st.s);
    }
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

static void jb_sub(jbuf *b, const step *s, sub_agg *a, size_t samples)
{
    if (s->kind == S_IOCTL && s->refused[0]) {
        jb_refused(b, "ioctl", s->refused);
        return;
    }
    jb_lit(b, "{\"k\":\"");
    jb_lit(b, step_kind_name(s->kind));
    jb_lit(b, "\",\"calls\":");
    jb_u64(b, a->calls);
    if (s->kind == S_SLEEP) {
        jb_lit(b, "}");
        return;
    }
    jb_lit(b, ",\"errors\":");
    jb_map(b, &a->errors);
    jb_lit(b, ",\"statuses\":");
    jb_map(b, &a->statuses);
    if (s->kind != S_IOCTL) {
        jb_lit(b, "}");
        return;
    }
    jb_lit(b, ",\"returned\":");
    jb_map(b, &a->returned);
    jb_lit(b, ",\"outs\":[");
    for (unsigned i = 0; i < a->outs.n; i++) {
        if (i) jb_lit(b, ",");
        jb_lit(b, "[");
        jb_hex(b, a->outs.v[i].bytes, a->outs.v[i].len);
        jb_lit(b, ",");
        jb_u64(b, a->outs.v[i].count);
        jb_lit(b, "]");
    }
    jb_lit(b, "],\"outsMore\":");
    jb_u64(b, a->outs.more);
    latency l = latency_summary(a->lat, samples);
    jb_lit(b, ",\"p50\":");
    jb_us(b, l.p50);
    jb_lit(b, ",\"p99\":");
    jb_us(b, l.p99);
    jb_lit(b, ",\"max\":");
    jb_us(b, l.max);
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
        a->lock_made = 1;
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
        map_free(&a->errors);
        map_free(&a->statuses);
        map_free(&a->returned);
        outs_free(&a->outs);
        free(a->lat);
        free(a->input);
        if (a->lock_made) DeleteCriticalSection(&a->lock);
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
