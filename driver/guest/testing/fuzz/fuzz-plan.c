/*
 * A fuzz harness for the guest runner's plan reader (plan-reader.c, plan-tokens.c, plan-header.c,
 * plan-case.c), built natively with AddressSanitizer and UndefinedBehaviorSanitizer from the very same
 * sources (driver/guest/plan-reader.fuzz.test.ts builds and runs it in `npm test`).
 *
 *   fuzz-plan <inputs> <seed> <corpus files...>
 *
 * runs every corpus file, then <inputs> mutations of them (a seeded PRNG: the same seed gives the same
 * inputs, so a failure can be replayed), each read whole as the runner reads a plan. Besides what the
 * sanitizers catch (out-of-bounds, use after free, leaks, overflow), it checks what the runner promises
 * the host: every `case` block is reported once, run or as an error with a line, ids are one token of at
 * most LAB_MAX_ID bytes, and nothing the host's limits refuse comes back as runnable. Built with
 * -DLAB_LIBFUZZER, LLVMFuzzerTestOneInput serves clang's libFuzzer instead.
 */
#include "../../plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- what text.c gives the runner on Windows, natively ---- */

char *win32_message(DWORD e)
{
    char *s = malloc(32);
    if (s) snprintf(s, 32, "Win32 error %lu", (unsigned long)e);
    return s;
}

/* Strict UTF-8 (as MultiByteToWideChar with MB_ERR_INVALID_CHARS): NULL on a bad sequence. */
wchar_t *utf8_to_wide(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    wchar_t *w = malloc((n + 1) * sizeof *w);
    size_t k = 0;
    if (!w) return NULL;
    for (size_t i = 0; i < n;) {
        unsigned c = u[i], len, cp, min;
        if (c < 0x80) { len = 1; cp = c; min = 0; }
        else if (c >= 0xC2 && c <= 0xDF) { len = 2; cp = c & 0x1F; min = 0x80; }
        else if (c >= 0xE0 && c <= 0xEF) { len = 3; cp = c & 0x0F; min = 0x800; }
        else if (c >= 0xF0 && c <= 0xF4) { len = 4; cp = c & 0x07; min = 0x10000; }
        else goto bad;
        if (n - i < len) goto bad;
        for (unsigned j = 1; j < len; j++) {
            if ((u[i + j] & 0xC0) != 0x80) goto bad;
            cp = cp << 6 | (u[i + j] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) goto bad;
        w[k++] = (wchar_t)cp;
        i += len;
    }
    w[k] = 0;
    return w;
bad:
    free(w);
    return NULL;
}

/* ---- one input ---- */

typedef struct {
    const uint8_t *p;
    size_t n, pos;
    unsigned piece; /* bytes per read: small pieces put line ends across chunk boundaries */
    int fail_at_end; /* the last read fails, as a broken file or pipe would */
} memory_source;

static int read_memory(void *ctx, unsigned char *buf, size_t cap, size_t *got, DWORD *e)
{
    memory_source *m = ctx;
    size_t left = m->n - m->pos, take = left < cap ? left : cap;
    if (m->piece && take > m->piece) take = m->piece;
    if (take == 0 && m->fail_at_end) {
        *e = 23; /* ERROR_CRC */
        return 0;
    }
    if (take) memcpy(buf, m->p + m->pos, take);
    m->pos += take;
    *got = take;
    return 1;
}

static void check(int ok, const char *what, const uint8_t *data, size_t size)
{
    if (ok) return;
    fprintf(stderr, "fuzz-plan: broken promise: %s (input of %zu bytes, first bytes: ", what, size);
    for (size_t i = 0; i < size && i < 64; i++) fprintf(stderr, "%02x", data[i]);
    fprintf(stderr, ")\n");
    abort();
}

/* An environment block: NAME=VALUE strings with a name each, NUL-ended, a NUL after the last. */
static int env_ok(const wchar_t *e)
{
    for (; *e; e += wcslen(e) + 1) {
        const wchar_t *eq = wcschr(e, L'=');
        if (!eq || eq == e) return 0;
    }
    return 1;
}

static void check_steps(const step *s, size_t n, int in_par, const uint8_t *data, size_t size)
{
    for (size_t i = 0; i < n; i++) {
        check((unsigned)s[i].kind < S_KIND_COUNT, "a step of an unknown kind", data, size);
        check(s[i].slot < LAB_MAX_SLOTS, "a slot out of range", data, size);
        if ((s[i].kind == S_IOCTL || s[i].kind == S_READ || s[i].kind == S_WRITE) && (s[i].in_len > LAB_MAX_BUFFER || s[i].out_len > LAB_MAX_BUFFER))
            check(s[i].refused[0] != 0, "a length over the limit that would run", data, size);
        check((unsigned)s[i].in_ptr < PTR_KIND_COUNT && (unsigned)s[i].out_ptr < PTR_KIND_COUNT, "a pointer kind out of range", data, size);
        check(s[i].payload != P_NULL || s[i].in_ptr == PTR_HEAP, "a NULL payload with another pointer kind", data, size);
        check((s[i].fill == NULL) == (s[i].fill_len == 0), "a fill without bytes", data, size);
        if (s[i].kind == S_IOCTL || s[i].kind == S_READ || s[i].kind == S_WRITE)
            check(s[i].async == NO_ASYNC || s[i].async < LAB_MAX_ASYNC, "an async slot out of range", data, size);
        if (s[i].kind == S_WAIT || s[i].kind == S_CANCEL) check(s[i].target < LAB_MAX_ASYNC, "a wait or cancel of a slot out of range", data, size);
        if (s[i].kind == S_WAIT) check(s[i].timeout_ms <= LAB_MAX_WAIT_MS, "a wait over the limit", data, size);
        if (s[i].kind == S_READ || s[i].kind == S_WRITE) check(!s[i].has_offset || s[i].offset <= 9007199254740991ull, "an offset out of range", data, size);
        if (s[i].kind == S_OPEN) {
            check((unsigned)s[i].disposition <= D_TRUNCATE, "a disposition out of range", data, size);
            check((s[i].share & ~(FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE)) == 0, "share bits out of range", data, size);
            check(!s[i].path || s[i].path[0], "an empty path", data, size);
            check(!s[i].device || s[i].device[0], "an empty device", data, size);
        }
        if (s[i].kind == S_EXEC) check(!s[i].env || env_ok(s[i].env), "a malformed environment", data, size);
        if (in_par) {
            check(!s[i].overlapped, "an overlapped open inside par", data, size);
            check(s[i].async == NO_ASYNC || s[i].kind != S_IOCTL, "an async request inside par", data, size);
            check(s[i].in_ptr == PTR_HEAP && s[i].out_ptr == PTR_HEAP && !s[i].fill, "buffer options inside par", data, size);
        }
        if (s[i].kind == S_PAR) {
            check(!in_par, "par inside par", data, size);
            check(s[i].threads >= 1 && s[i].threads <= LAB_MAX_THREADS, "threads out of range", data, size);
            check(s[i].iterations >= 1 && s[i].iterations <= LAB_MAX_ITERATIONS, "iterations out of range", data, size);
            check_steps(s[i].sub, s[i].nsub, 1, data, size);
        }
        if (in_par) check(!s[i].required, "a required open inside par", data, size);
        if (in_par) check(s[i].kind == S_OPEN || s[i].kind == S_CLOSE || s[i].kind == S_IOCTL || s[i].kind == S_SLEEP, "a step par cannot run", data, size);
        if (s[i].kind == S_EXEC) check(s[i].command && s[i].command[0], "an empty command line", data, size);
        if (s[i].kind == S_LOAD || s[i].kind == S_UNLOAD) check(s[i].service && strlen(s[i].service) <= LAB_MAX_SERVICE, "a bad service name", data, size);
    }
}

static size_t count_lines(const uint8_t *data, size_t size)
{
    size_t lines = size && data[size - 1] != '\n';
    for (size_t i = 0; i < size; i++) lines += data[i] == '\n';
    return lines;
}

static void run_one(const uint8_t *data, size_t size, unsigned piece, int fail_at_end)
{
    memory_source m = {data, size, 0, piece, fail_at_end};
    reader *r = plan_reader(read_memory, &m);
    plan_header h;
    char error[256];
    size_t line = 0, lines = count_lines(data, size);
    check(r != NULL, "no reader", data, size);
    if (plan_header_read(r, &h, error, sizeof error, &line) < 0) {
        check(memchr(error, 0, sizeof error) != NULL && error[0], "a plan-error without a message", data, size);
        check(line <= lines + 1, "a plan-error line past the end", data, size);
        plan_header_free(&h);
        plan_reader_free(r);
        return;
    }
    check(h.device != NULL, "a header without a device", data, size);
    /* Every item consumes at least one line (queued header problems were lines too). */
    for (size_t items = 0;; items++) {
        next_item it;
        check(items <= lines + 1, "more items than lines: the reader does not advance", data, size);
        plan_next(r, &h, &it);
        if (it.kind == NEXT_EOF) break;
        if (it.kind == NEXT_CASE) {
            check(it.c.id && it.c.id[0] && strlen(it.c.id) <= LAB_MAX_ID, "a case id that is not one token", data, size);
            for (const char *c = it.c.id; *c; c++) check((unsigned char)*c > 0x20 && *c != 0x7F, "a case id with whitespace or a control character", data, size);
            check(it.c.index >= 0, "a runnable case without an index", data, size);
            check(!it.c.fresh || h.image, "a fresh case without a driver to load", data, size);
            check_steps(it.c.steps, it.c.nsteps, 0, data, size);
        } else {
            check(it.error[0] != 0 && memchr(it.error, 0, sizeof it.error) != NULL, "a case error without a message", data, size);
            check(it.line <= lines + 1, "a case error line past the end", data, size);
            check(it.index >= -1, "a case error with a bad index", data, size);
        }
        item_free(&it);
    }
    plan_header_free(&h);
    plan_reader_free(r);
}

#ifdef LAB_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    run_one(data, size, size ? data[0] % 7 : 0, 0);
    return 0;
}
#else

/* ---- mutations ---- */

static uint64_t rng_state;
static uint64_t rnd(void)
{
    /* xorshift64*: small, seedable, good enough to pick mutations. */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ull;
}
static size_t below(size_t n) { return n ? (size_t)(rnd() % n) : 0; }

/* Words and numbers the reader treats specially: mutations built from them reach its deeper branches. */
static const char *const DICTIONARY[] = {
    "case ", "end", "open ", "close ", "ioctl ", "par ", "endpar", "exec ", "load ", "unload ", "sleep ",
    "lab-plan 1", "device ", "driver ", "log ", "markers ", "workdir ", "stderr", "debug", " fresh", " required", " rw", " r", " w", " none",
    "read ", "write ", "wait ", "cancel ", " fill=", " in=", " out=", " buf=", " async=", " offset=", " path=",
    " device=", " share=", " disposition=", " overlapped", " image=", " cwd=", " env=", "null", "invalid", "kernel",
    "unaligned", "readonly", "noaccess", "pageend", "heap", "rwd", "none", "create-always", "truncate", "413d31",
    "413d3100423d32", "3d31", "00", "=",
    "0", "1", "15", "16", "64", "65", "0x", "0xFFFFFFFF", "0x10000000000000000", "16777216", "16777217",
    "9007199254740991", "9007199254740992", "18446744073709551615", "18446744073709551616", "100000",
    "100001", "60000", "600000", "600001", " -", " x:", " t:", "x:00ff", "t:zz", "\n", "\r\n", "\r", "\t",
    " ", "#", "\xEF\xBB\xBF", "\xC3\xA9", "\xED\xA0\x80", "\xFF", "\0",
};

typedef struct {
    uint8_t *p;
    size_t n, cap;
} bytes;

static void put(bytes *b, size_t at, const void *src, size_t n)
{
    if (n == 0) return;
    if (b->n + n > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->n + n) cap *= 2;
        uint8_t *q = realloc(b->p, cap);
        if (!q) abort();
        b->p = q;
        b->cap = cap;
    }
    memmove(b->p + at + n, b->p + at, b->n - at);
    memcpy(b->p + at, src, n);
    b->n += n;
}

static void cut(bytes *b, size_t at, size_t n)
{
    if (at > b->n) at = b->n;
    if (n > b->n - at) n = b->n - at;
    if (n == 0) return;
    memmove(b->p + at, b->p + at + n, b->n - at - n);
    b->n -= n;
}

static void mutate(bytes *b, const bytes *corpus, size_t ncorpus)
{
    size_t rounds = 1 + below(8);
    for (size_t k = 0; k < rounds; k++) {
        size_t at = below(b->n + 1);
        switch (below(8)) {
        case 0: /* flip a bit */
            if (b->n) b->p[below(b->n)] ^= (uint8_t)(1u << below(8));
            break;
        case 1: /* a dictionary word */ {
            const char *w = DICTIONARY[below(sizeof DICTIONARY / sizeof DICTIONARY[0])];
            put(b, at, w, w[0] ? strlen(w) : 1);
            break;
        }
        case 2: /* drop a range */
            cut(b, at, 1 + below(32));
            break;
        case 3: /* repeat a range */
            if (b->n) {
                size_t from = below(b->n), n = 1 + below(b->n - from);
                uint8_t *copy = malloc(n);
                if (!copy) abort();
                memcpy(copy, b->p + from, n);
                put(b, at, copy, n);
                free(copy);
            }
            break;
        case 4: /* a line of another corpus entry */ {
            const bytes *o = &corpus[below(ncorpus)];
            if (o->n) {
                size_t from = below(o->n), n = 1 + below(o->n - from < 200 ? o->n - from : 200);
                put(b, at, o->p + from, n);
            }
            break;
        }
        case 5: /* a random byte */ {
            uint8_t c = (uint8_t)rnd();
            put(b, at, &c, 1);
            break;
        }
        case 6: /* a long run: long tokens and ids */ {
            size_t n = below(4) == 0 ? 1025 + below(2048) : 1 + below(300);
            uint8_t c = "aq0 #:"[below(6)];
            uint8_t *run = malloc(n);
            if (!run) abort();
            memset(run, c, n);
            put(b, at, run, n);
            free(run);
            break;
        }
        case 7: /* cut the tail */
            if (b->n) b->n = below(b->n);
            break;
        }
        if (b->n > 1u << 20) b->n = 1u << 20;
    }
}

static int load(const char *path, bytes *b)
{
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    uint8_t buf[4096];
    size_t n;
    memset(b, 0, sizeof *b);
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) put(b, b->n, buf, n);
    fclose(f);
    return 1;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: fuzz-plan <inputs> <seed> <corpus files...>\n");
        return 2;
    }
    unsigned long inputs = strtoul(argv[1], NULL, 10);
    rng_state = strtoull(argv[2], NULL, 10) | 1;
    size_t ncorpus = (size_t)argc - 3;
    bytes *corpus = calloc(ncorpus, sizeof *corpus);
    if (!corpus) return 3;
    for (size_t i = 0; i < ncorpus; i++) {
        if (!load(argv[3 + i], &corpus[i])) {
            fprintf(stderr, "fuzz-plan: cannot read %s\n", argv[3 + i]);
            return 2;
        }
        run_one(corpus[i].p, corpus[i].n, 0, 0);
        run_one(corpus[i].p, corpus[i].n, 1, 1);
    }
    bytes b = {0};
    for (unsigned long i = 0; i < inputs; i++) {
        const bytes *base = &corpus[below(ncorpus)];
        b.n = 0;
        put(&b, 0, base->p, base->n);
        mutate(&b, corpus, ncorpus);
        run_one(b.p, b.n, (unsigned)below(3) == 0 ? (unsigned)(1 + below(17)) : 0, below(16) == 0);
    }
    free(b.p);
    for (size_t i = 0; i < ncorpus; i++) free(corpus[i].p);
    free(corpus);
    printf("fuzz-plan: %zu corpus files and %lu mutated inputs read\n", ncorpus, inputs);
    return 0;
}
#endif
