/*
 * One `case` ... `end` block into steps, read whole before any of it runs: a case the runner cannot run
 * as written is reported once, with its line, and never half-executed. Each step kind's syntax is one
 * row of STEP_SYNTAX.
 */
#include "plan-reader.h"
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SAFE_INTEGER 9007199254740991ull /* the host decodes indices as JS numbers */

static const char *const KIND_NAMES[S_KIND_COUNT] = {"open", "close", "ioctl", "par", "exec", "load", "unload", "sleep",
                                                     "read", "write", "wait", "cancel"};
static const char *const PTR_NAMES[PTR_KIND_COUNT] = {"heap", "null", "invalid", "kernel", "unaligned", "readonly", "noaccess", "pageend"};
static const char *const DISPOSITION_NAMES[] = {"open", "create", "open-always", "create-always", "truncate", NULL};

const char *step_kind_name(enum step_kind k)
{
    return (unsigned)k < S_KIND_COUNT ? KIND_NAMES[k] : "?";
}

const char *ptr_kind_name(enum ptr_kind k)
{
    return (unsigned)k < PTR_KIND_COUNT ? PTR_NAMES[k] : "?";
}

/* What a step's parser gets: the words of its line and where to say what is wrong. */
typedef struct {
    const plan_header *h;
    tok *t;
    size_t n;
    int in_par;
    char *err;
    size_t size;
} line_ctx;

static int want(const line_ctx *l, size_t expect, const char *usage)
{
    if (l->n == expect) return 1;
    snprintf(l->err, l->size, "expected '%s'", usage);
    return 0;
}

static int number(const line_ctx *l, tok t, const char *what, uint64_t min, uint64_t max, uint64_t *out)
{
    char q[64];
    quote(q, sizeof q, t);
    if (!parse_u64(t, out)) {
        snprintf(l->err, l->size, "bad %s %s", what, q);
        return 0;
    }
    if (*out < min || *out > max) {
        snprintf(l->err, l->size, "%s %s is out of range (%llu..%llu)", what, q, (unsigned long long)min, (unsigned long long)max);
        return 0;
    }
    return 1;
}

static int slot_of(const line_ctx *l, tok t, unsigned *slot)
{
    uint64_t v;
    char q[64];
    quote(q, sizeof q, t);
    if (!parse_u64(t, &v)) {
        snprintf(l->err, l->size, "bad slot %s", q);
        return 0;
    }
    if (v >= LAB_MAX_SLOTS) {
        snprintf(l->err, l->size, "slot %s is out of range (0..%u)", q, LAB_MAX_SLOTS - 1);
        return 0;
    }
    *slot = (unsigned)v;
    return 1;
}

static void length_limit(step *s, const char *what, uint64_t v)
{
    if (v > LAB_MAX_BUFFER && !s->refused[0])
        snprintf(s->refused, sizeof s->refused, "%s %llu is over the limit of %u bytes", what, (unsigned long long)v, LAB_MAX_BUFFER);
}

/*
 * Options after a step's fixed words: bare flags (`required`) and key=value words (`fill=00ff`), in any
 * order, each at most once. A step kind lists the ones it takes; anything else makes the case unrunnable.
 */
typedef struct {
    const char *name;
    int flag; /* 1: a bare word; 0: key=value */
} option_def;

typedef struct {
    int present;
    tok value;
} option_val;

static int options(const line_ctx *l, size_t first, const option_def *defs, size_t ndefs, option_val *vals, const char *usage)
{
    for (size_t i = first; i < l->n; i++) {
        tok t = l->t[i];
        const char *eq = memchr(t.p, '=', t.n);
        size_t klen = eq ? (size_t)(eq - t.p) : t.n, k;
        char q[64];
        quote(q, sizeof q, t);
        for (k = 0; k < ndefs; k++)
            if (defs[k].name[0] && strlen(defs[k].name) == klen && memcmp(defs[k].name, t.p, klen) == 0 && defs[k].flag == !eq) break;
        if (k == ndefs) {
            snprintf(l->err, l->size, "unknown option %s (expected '%s')", q, usage);
            return 0;
        }
        if (vals[k].present) {
            snprintf(l->err, l->size, "option '%s' is given twice", defs[k].name);
            return 0;
        }
        vals[k].present = 1;
        if (eq) {
            vals[k].value.p = eq + 1;
            vals[k].value.n = t.n - klen - 1;
            if (vals[k].value.n == 0) {
                snprintf(l->err, l->size, "option '%s' has no value", defs[k].name);
                return 0;
            }
        }
    }
    return 1;
}

static int word_of(const line_ctx *l, tok t, const char *what, const char *const *names, size_t count, unsigned *out)
{
    char q[64];
    for (size_t i = 0; i < count && names[i]; i++)
        if (is(t, names[i])) {
            *out = (unsigned)i;
            return 1;
        }
    quote(q, sizeof q, t);
    snprintf(l->err, l->size, "bad %s %s", what, q);
    return 0;
}

/* A UTF-8 string given as hex (paths, a working folder): non-empty, no NUL, into UTF-16. */
static int hex_text(const line_ctx *l, tok t, const char *what, wchar_t **out)
{
    unsigned char *bytes;
    size_t len;
    int oom;
    if (!parse_hex(t.p, t.n, &bytes, &len, &oom)) {
        snprintf(l->err, l->size, oom ? "out of memory" : "bad %s hex", what);
        return 0;
    }
    if (len == 0 || memchr(bytes, 0, len) || !(*out = utf8_to_wide((char *)bytes, len))) {
        snprintf(l->err, l->size, "the %s is empty, has a NUL byte or is not UTF-8", what);
        free(bytes);
        return 0;
    }
    free(bytes);
    return 1;
}

static int fill_of(const line_ctx *l, tok t, step *s)
{
    int oom;
    if (parse_hex(t.p, t.n, &s->fill, &s->fill_len, &oom) && s->fill_len > 0) return 1;
    snprintf(l->err, l->size, oom ? "no memory for the fill" : "bad fill hex (an even, non-zero number of hex digits expected)");
    return 0;
}

static int async_of(const line_ctx *l, tok t, unsigned *out)
{
    uint64_t v;
    if (!number(l, t, "async slot", 0, LAB_MAX_ASYNC - 1, &v)) return 0;
    *out = (unsigned)v;
    return 1;
}

static int ptr_of(const line_ctx *l, tok t, enum ptr_kind *out)
{
    unsigned v;
    if (!word_of(l, t, "pointer kind", PTR_NAMES, PTR_KIND_COUNT, &v)) return 0;
    *out = (enum ptr_kind)v;
    return 1;
}

static int share_of(const line_ctx *l, tok t, DWORD *out)
{
    char q[64];
    *out = 0;
    if (is(t, "none")) return 1;
    for (size_t i = 0; i < t.n; i++) {
        DWORD bit = t.p[i] == 'r' ? FILE_SHARE_READ : t.p[i] == 'w' ? FILE_SHARE_WRITE : t.p[i] == 'd' ? FILE_SHARE_DELETE : 0;
        if (!bit || (*out & bit)) {
            quote(q, sizeof q, t);
            snprintf(l->err, l->size, "bad share %s (r, w, d once each, or none)", q);
            return 0;
        }
        *out |= bit;
    }
    return 1;
}

static int parse_open(const line_ctx *l, step *s)
{
    static const option_def defs[] = {{"required", 1}, {"overlapped", 1}, {"path", 0}, {"device", 0}, {"share", 0}, {"disposition", 0}};
    option_val v[6] = {{0}};
    unsigned disposition = D_OPEN;
    tok *t = l->t;
    const char *usage = "open <slot> <access> [required] [overlapped] [path=<hex>] [device=<hex>] [share=<rwd>] [disposition=<word>]";
    if (l->n < 3) {
        snprintf(l->err, l->size, "expected '%s'", usage);
        return 0;
    }
    if (!options(l, 3, defs, 6, v, usage)) return 0;
    if (l->in_par && (v[0].present || v[1].present)) {
        snprintf(l->err, l->size, "'%s' is not allowed inside par", v[0].present ? "required" : "overlapped");
        return 0;
    }
    if (!slot_of(l, t[1], &s->slot)) return 0;
    if (is(t[2], "rw")) s->access = GENERIC_READ | GENERIC_WRITE;
    else if (is(t[2], "r")) s->access = GENERIC_READ;
    else if (is(t[2], "w")) s->access = GENERIC_WRITE;
    else if (is(t[2], "none")) s->access = 0;
    else {
        char q[64];
        quote(q, sizeof q, t[2]);
        snprintf(l->err, l->size, "bad access %s (rw, r, w or none)", q);
        return 0;
    }
    s->required = v[0].present;
    s->overlapped = v[1].present;
    s->share = FILE_SHARE_READ | FILE_SHARE_WRITE;
    if (v[2].present && !hex_text(l, v[2].value, "path", &s->path)) return 0;
    if (v[3].present && !hex_text(l, v[3].value, "device", &s->device)) return 0;
    if (v[4].present && !share_of(l, v[4].value, &s->share)) return 0;
    if (v[5].present && !word_of(l, v[5].value, "disposition", DISPOSITION_NAMES, 5, &disposition)) return 0;
    s->disposition = (enum open_disposition)disposition;
    return 1;
}

static int parse_close(const line_ctx *l, step *s)
{
    return want(l, 2, "close <slot>") && slot_of(l, l->t[1], &s->slot);
}

/* `-` (a NULL pointer), `x:<hex>` (a pattern) or `t:<hex>` (a pattern plus the thread index). */
static int parse_payload(const line_ctx *l, tok p, step *s)
{
    if (is(p, "-")) {
        s->payload = P_NULL;
        return 1;
    }
    if (p.n >= 2 && (p.p[0] == 'x' || p.p[0] == 't') && p.p[1] == ':') {
        int oom;
        s->payload = p.p[0] == 'x' ? P_PATTERN : P_THREAD;
        if (parse_hex(p.p + 2, p.n - 2, &s->pattern, &s->pattern_len, &oom)) return 1;
        snprintf(l->err, l->size, oom ? "no memory for the payload" : "bad payload hex (even number of hex digits expected)");
        return 0;
    }
    snprintf(l->err, l->size, "bad payload (-, x:<hex> or t:<hex>)");
    return 0;
}

/* The options of a step that moves bytes: where its buffers are, what the output holds first, async. */
enum { O_FILL, O_IN, O_OUT, O_ASYNC, O_OFFSET, O_BUF, O_COUNT };
static int io_options(const line_ctx *l, size_t first, step *s, const char *usage)
{
    static const option_def all[O_COUNT] = {{"fill", 0}, {"in", 0}, {"out", 0}, {"async", 0}, {"offset", 0}, {"buf", 0}};
    /* ioctl has two buffers (in=, out=); read and write one (buf=) and an offset. */
    static const unsigned char takes[][O_COUNT] = {
        [S_IOCTL] = {1, 1, 1, 1, 0, 0}, [S_READ] = {1, 0, 0, 1, 1, 1}, [S_WRITE] = {0, 0, 0, 1, 1, 1}};
    option_def defs[O_COUNT];
    option_val v[O_COUNT] = {{0}};
    for (int i = 0; i < O_COUNT; i++) {
        defs[i] = all[i];
        /* An option this kind does not take gets a name no word can have, so it reads as unknown. */
        if (!takes[s->kind][i]) defs[i].name = "";
    }
    s->async = NO_ASYNC;
    if (!options(l, first, defs, O_COUNT, v, usage)) return 0;
    if (l->in_par && l->n > first) {
        snprintf(l->err, l->size, "options are not allowed inside par");
        return 0;
    }
    if (v[O_FILL].present && !fill_of(l, v[O_FILL].value, s)) return 0;
    if (v[O_IN].present && !ptr_of(l, v[O_IN].value, &s->in_ptr)) return 0;
    if (v[O_OUT].present && !ptr_of(l, v[O_OUT].value, &s->out_ptr)) return 0;
    if (v[O_BUF].present && !ptr_of(l, v[O_BUF].value, s->kind == S_WRITE ? &s->in_ptr : &s->out_ptr)) return 0;
    if (v[O_ASYNC].present && !async_of(l, v[O_ASYNC].value, &s->async)) return 0;
    if (v[O_OFFSET].present) {
        if (!number(l, v[O_OFFSET].value, "offset", 0, SAFE_INTEGER, &s->offset)) return 0;
        s->has_offset = 1;
    }
    /* The payload `-` is a NULL input pointer already. */
    if (s->payload == P_NULL && s->in_ptr != PTR_HEAP) {
        snprintf(l->err, l->size, "the payload '-' is a NULL pointer already: it takes no other pointer kind");
        return 0;
    }
    return 1;
}

static int parse_ioctl(const line_ctx *l, step *s)
{
    tok *t = l->t;
    uint64_t v;
    const char *usage = "ioctl <slot> <code> <inLen> <outLen> <payload> [fill=<hex>] [in=<ptr>] [out=<ptr>] [async=<n>]";
    if (l->n < 6) {
        snprintf(l->err, l->size, "expected '%s'", usage);
        return 0;
    }
    if (!slot_of(l, t[1], &s->slot) || !number(l, t[2], "code", 0, 0xFFFFFFFFu, &v)) return 0;
    s->code = (DWORD)v;
    if (!number(l, t[3], "inLen", 0, UINT64_MAX, &s->in_len) || !number(l, t[4], "outLen", 0, UINT64_MAX, &s->out_len)) return 0;
    length_limit(s, "inLen", s->in_len);
    length_limit(s, "outLen", s->out_len);
    return parse_payload(l, t[5], s) && io_options(l, 6, s, usage);
}

static int parse_read(const line_ctx *l, step *s)
{
    const char *usage = "read <slot> <length> [offset=<n>] [fill=<hex>] [buf=<ptr>] [async=<n>]";
    if (l->n < 3) {
        snprintf(l->err, l->size, "expected '%s'", usage);
        return 0;
    }
    if (!slot_of(l, l->t[1], &s->slot) || !number(l, l->t[2], "length", 0, UINT64_MAX, &s->out_len)) return 0;
    length_limit(s, "length", s->out_len);
    s->payload = P_PATTERN;
    return io_options(l, 3, s, usage);
}

static int parse_write(const line_ctx *l, step *s)
{
    const char *usage = "write <slot> <length> <payload> [offset=<n>] [buf=<ptr>] [async=<n>]";
    if (l->n < 4) {
        snprintf(l->err, l->size, "expected '%s'", usage);
        return 0;
    }
    if (!slot_of(l, l->t[1], &s->slot) || !number(l, l->t[2], "length", 0, UINT64_MAX, &s->in_len)) return 0;
    length_limit(s, "length", s->in_len);
    return parse_payload(l, l->t[3], s) && io_options(l, 4, s, usage);
}

static int parse_wait(const line_ctx *l, step *s)
{
    uint64_t v;
    if (!want(l, 3, "wait <async> <timeoutMs>") || !async_of(l, l->t[1], &s->target) ||
        !number(l, l->t[2], "timeoutMs", 0, LAB_MAX_WAIT_MS, &v))
        return 0;
    s->timeout_ms = (DWORD)v;
    return 1;
}

static int parse_cancel(const line_ctx *l, step *s)
{
    return want(l, 2, "cancel <async>") && async_of(l, l->t[1], &s->target);
}

static int parse_sleep(const line_ctx *l, step *s)
{
    uint64_t v;
    if (!want(l, 2, "sleep <ms>") || !number(l, l->t[1], "sleep", 0, LAB_MAX_SLEEP_MS, &v)) return 0;
    s->ms = (DWORD)v;
    return 1;
}

static int parse_par(const line_ctx *l, step *s)
{
    uint64_t v;
    if (!want(l, 3, "par <threads> <iterations>") || !number(l, l->t[1], "threads", 1, LAB_MAX_THREADS, &v)) return 0;
    s->threads = (unsigned)v;
    if (!number(l, l->t[2], "iterations", 1, LAB_MAX_ITERATIONS, &v)) return 0;
    s->iterations = (unsigned)v;
    return 1;
}

/* `env=`: NAME=VALUE strings, NUL between them, each with a name before its `=`; into a UTF-16 block. */
static int env_of(const line_ctx *l, tok t, step *s)
{
    unsigned char *bytes;
    size_t len;
    int oom;
    if (!parse_hex(t.p, t.n, &bytes, &len, &oom)) {
        snprintf(l->err, l->size, oom ? "out of memory" : "bad env hex");
        return 0;
    }
    for (size_t i = 0, entry = 1; i < len; entry++) {
        const unsigned char *end = memchr(bytes + i, 0, len - i);
        size_t n = end ? (size_t)(end - (bytes + i)) : len - i;
        const unsigned char *eq = memchr(bytes + i, '=', n);
        if (n == 0 || !eq || eq == bytes + i) {
            snprintf(l->err, l->size, "env entry %u is not NAME=VALUE", (unsigned)entry);
            free(bytes);
            return 0;
        }
        i += n + 1;
    }
    /* The block as Windows wants it: every entry NUL-ended, one more NUL at the end. */
    unsigned char *block = malloc(len + 2);
    if (!block) {
        free(bytes);
        snprintf(l->err, l->size, "out of memory");
        return 0;
    }
    memcpy(block, bytes, len);
    block[len] = 0;
    block[len + 1] = 0;
    free(bytes);
    s->env = utf8_to_wide((char *)block, len + 2);
    free(block);
    if (!s->env) {
        snprintf(l->err, l->size, "env is empty or not UTF-8");
        return 0;
    }
    return 1;
}

static int parse_exec(const line_ctx *l, step *s)
{
    static const option_def defs[] = {{"cwd", 0}, {"env", 0}};
    option_val o[2] = {{0}};
    const char *usage = "exec <timeoutMs> <hex> [cwd=<hex>] [env=<hex>]";
    unsigned char *cmd;
    size_t len;
    int oom;
    uint64_t v;
    if (l->n < 3) {
        snprintf(l->err, l->size, "expected '%s'", usage);
        return 0;
    }
    if (!options(l, 3, defs, 2, o, usage) || !number(l, l->t[1], "timeoutMs", 1, LAB_MAX_EXEC_MS, &v)) return 0;
    if (o[0].present && !hex_text(l, o[0].value, "working folder", &s->cwd)) return 0;
    if (o[1].present && !env_of(l, o[1].value, s)) return 0;
    s->timeout_ms = (DWORD)v;
    if (!parse_hex(l->t[2].p, l->t[2].n, &cmd, &len, &oom)) {
        snprintf(l->err, l->size, oom ? "no memory for the command line" : "bad command line hex");
        return 0;
    }
    if (len == 0 || memchr(cmd, 0, len) || !(s->command = utf8_to_wide((char *)cmd, len))) {
        snprintf(l->err, l->size, "the command line is empty, has a NUL byte or is not UTF-8");
        free(cmd);
        return 0;
    }
    free(cmd);
    return 1;
}

static int parse_service(const line_ctx *l, step *s)
{
    static const option_def defs[] = {{"image", 0}};
    option_val o[1] = {{0}};
    tok *t = l->t;
    if (s->kind == S_LOAD) {
        if (l->n < 2) {
            snprintf(l->err, l->size, "expected 'load <service> [image=<hex>]'");
            return 0;
        }
        if (!options(l, 2, defs, 1, o, "load <service> [image=<hex>]")) return 0;
        if (o[0].present && !hex_text(l, o[0].value, "image path", &s->image)) return 0;
    } else if (!want(l, 2, "unload <service>")) {
        return 0;
    }
    if (t[1].n > LAB_MAX_SERVICE) {
        snprintf(l->err, l->size, "the service name is longer than %u bytes", LAB_MAX_SERVICE);
        return 0;
    }
    if (s->kind == S_LOAD && !l->h->image && !s->image) {
        snprintf(l->err, l->size, "'load' needs image= or the header's 'driver' line (it names the image)");
        return 0;
    }
    if (!(s->service = dup_tok(t[1]))) {
        snprintf(l->err, l->size, "out of memory");
        return 0;
    }
    return 1;
}

typedef struct {
    const char *word;
    enum step_kind kind;
    int in_par; /* may run inside par */
    int (*parse)(const line_ctx *l, step *s);
} step_syntax;

static const step_syntax STEP_SYNTAX[] = {
    {"open", S_OPEN, 1, parse_open},       {"close", S_CLOSE, 1, parse_close}, {"ioctl", S_IOCTL, 1, parse_ioctl},
    {"sleep", S_SLEEP, 1, parse_sleep},    {"par", S_PAR, 0, parse_par},       {"exec", S_EXEC, 0, parse_exec},
    {"load", S_LOAD, 0, parse_service},    {"unload", S_UNLOAD, 0, parse_service},
    {"read", S_READ, 0, parse_read},       {"write", S_WRITE, 0, parse_write}, {"wait", S_WAIT, 0, parse_wait},
    {"cancel", S_CANCEL, 0, parse_cancel},
};

/* Parses one step line into s. 0 with a message on a line the runner cannot run. */
static int parse_step(const line_ctx *l, int in_par, step *s)
{
    tok w = l->t[0];
    char q[64];
    quote(q, sizeof q, w);
    if (l->n > MAX_TOKENS) {
        snprintf(l->err, l->size, "too many fields");
        return 0;
    }
    for (size_t i = 0; i < sizeof STEP_SYNTAX / sizeof STEP_SYNTAX[0]; i++) {
        const step_syntax *syn = &STEP_SYNTAX[i];
        if (!is(w, syn->word)) continue;
        if (in_par && !syn->in_par) {
            snprintf(l->err, l->size, "%s is not allowed inside par", q);
            return 0;
        }
        s->kind = syn->kind;
        return syn->parse(l, s);
    }
    if (in_list(w, HEADER_WORDS)) snprintf(l->err, l->size, "header directive %s inside a case", q);
    else snprintf(l->err, l->size, "unknown directive %s", q);
    return 0;
}

typedef struct {
    step *v;
    size_t n, cap;
} step_vec;

static step *push_step(step_vec *sv)
{
    if (sv->n == sv->cap) {
        size_t cap = sv->cap ? sv->cap * 2 : 8;
        step *v = realloc(sv->v, cap * sizeof *v);
        if (!v) return NULL;
        sv->v = v;
        sv->cap = cap;
    }
    step *s = &sv->v[sv->n++];
    memset(s, 0, sizeof *s);
    return s;
}

static void step_free(step *s)
{
    free(s->pattern);
    free(s->fill);
    free(s->device);
    free(s->path);
    free(s->command);
    free(s->cwd);
    free(s->env);
    free(s->service);
    free(s->image);
    for (size_t i = 0; i < s->nsub; i++) step_free(&s->sub[i]);
    free(s->sub);
}

static void steps_free(step_vec *sv)
{
    for (size_t i = 0; i < sv->n; i++) step_free(&sv->v[i]);
    free(sv->v);
    memset(sv, 0, sizeof *sv);
}

void case_free(lab_case *c)
{
    for (size_t i = 0; i < c->nsteps; i++) step_free(&c->steps[i]);
    free(c->steps);
    free(c->id);
    memset(c, 0, sizeof *c);
}

void item_free(next_item *it)
{
    if (it->kind == NEXT_CASE) case_free(&it->c);
    free(it->id);
    it->id = NULL;
}

/* The first problem of a block wins; the block is still read to its end. */
typedef struct {
    char text[256];
    size_t line;
} problem;

static int has_control(tok t)
{
    for (size_t i = 0; i < t.n; i++)
        if ((unsigned char)t.p[i] < 0x20 || t.p[i] == 0x7F) return 1;
    return 0;
}

static void case_line(reader *r, const plan_header *h, tok *t, size_t n, lab_case *c, problem *p)
{
    uint64_t index = 0;
    if (n != 3 && n != 4) {
        snprintf(p->text, sizeof p->text, "expected 'case <index> <id> [fresh]'");
    } else if (!parse_u64(t[1], &index) || index > SAFE_INTEGER) {
        snprintf(p->text, sizeof p->text, "bad case index");
    } else {
        c->index = (int64_t)index;
        if (t[2].n > LAB_MAX_ID) {
            snprintf(p->text, sizeof p->text, "the case id is longer than %u bytes", LAB_MAX_ID);
        } else if (has_control(t[2])) {
            /* The id goes into marker lines as it is: a carriage return there would split or forge one. */
            snprintf(p->text, sizeof p->text, "the case id has a control character");
        } else if (!(c->id = dup_tok(t[2]))) {
            snprintf(p->text, sizeof p->text, "out of memory");
        } else if (n == 4 && !is(t[3], "fresh")) {
            char q[64];
            quote(q, sizeof q, t[3]);
            snprintf(p->text, sizeof p->text, "unknown case option %s (only 'fresh')", q);
        } else if (n == 4 && !h->image) {
            snprintf(p->text, sizeof p->text, "'fresh' needs the header's 'driver' line (it names the image to load again)");
        } else {
            c->fresh = n == 4;
        }
    }
    if (p->text[0]) p->line = r->lineno;
}

/* Reads the block after a `case` line (already in r->line) up to its `end`. */
static void parse_case(reader *r, const plan_header *h, next_item *out)
{
    tok t[MAX_TOKENS + 1];
    step_vec top = {0}, inner = {0};
    int in_par = 0;
    size_t par_line = 0;
    problem p = {"", 0};
    lab_case head = {-1, NULL, 0, 0, NULL, 0};

    out->line = r->lineno;
    case_line(r, h, t, split(r->line, r->len, t, MAX_TOKENS + 1), &head, &p);

    for (;;) {
        if (!rd_next(r)) {
            if (!p.text[0]) {
                snprintf(p.text, sizeof p.text, "the case has no 'end' (the plan ends at line %u)", (unsigned)r->lineno);
                p.line = out->line;
            }
            break;
        }
        if (r->too_long || r->has_nul) {
            if (!p.text[0]) {
                tok none = {"", 0};
                stray_message(p.text, sizeof p.text, r, none, 1);
                p.line = r->lineno;
            }
            continue;
        }
        size_t n = rd_words(r, t, MAX_TOKENS + 1);
        if (n == 0) continue;
        if (is(t[0], "case")) {
            /* A missing `end`: this case is reported, the next one still runs. */
            r->pushed = 1;
            if (!p.text[0]) {
                snprintf(p.text, sizeof p.text, "the case has no 'end' before the next case (line %u)", (unsigned)r->lineno);
                p.line = out->line;
            }
            break;
        }
        if (is(t[0], "end")) {
            if (!p.text[0] && n != 1) {
                snprintf(p.text, sizeof p.text, "expected 'end'");
                p.line = r->lineno;
            }
            if (!p.text[0] && in_par) {
                snprintf(p.text, sizeof p.text, "par at line %u has no endpar", (unsigned)par_line);
                p.line = par_line;
            }
            break;
        }
        if (p.text[0]) continue; /* the case is already unrunnable; read on to its end */
        if (is(t[0], "endpar")) {
            if (!in_par || n != 1) {
                snprintf(p.text, sizeof p.text, in_par ? "expected 'endpar'" : "endpar without par");
                p.line = r->lineno;
                continue;
            }
            step *par = &top.v[top.n - 1];
            par->sub = inner.v;
            par->nsub = inner.n;
            memset(&inner, 0, sizeof inner);
            in_par = 0;
            continue;
        }
        step *s = push_step(in_par ? &inner : &top);
        if (!s) {
            snprintf(p.text, sizeof p.text, "out of memory");
            p.line = r->lineno;
            continue;
        }
        s->line = (unsigned)r->lineno;
        line_ctx l = {h, t, n, in_par, p.text, sizeof p.text};
        if (!parse_step(&l, in_par, s)) {
            p.line = r->lineno;
            continue;
        }
        if (s->kind == S_PAR) {
            in_par = 1;
            par_line = r->lineno;
        }
    }

    steps_free(&inner); /* an unclosed par's inner steps */
    if (p.text[0]) {
        steps_free(&top);
        out->kind = NEXT_ERROR;
        out->index = head.index;
        out->id = head.id;
        out->line = p.line;
        out->counts_as_case = 1;
        snprintf(out->error, sizeof out->error, "%s", p.text);
        return;
    }
    out->kind = NEXT_CASE;
    out->c = head;
    out->c.line = out->line;
    out->c.steps = top.v;
    out->c.nsteps = top.n;
}

void plan_next(reader *r, const plan_header *h, next_item *out)
{
    tok t[MAX_TOKENS];
    memset(out, 0, sizeof *out);
    if (r->qpos < r->nqueue) {
        *out = r->queue[r->qpos++];
        return;
    }
    while (rd_next(r)) {
        size_t n = rd_words(r, t, MAX_TOKENS);
        if (n == 0 && !r->too_long && !r->has_nul) continue;
        if (n > 0 && is(t[0], "case")) {
            parse_case(r, h, out);
            return;
        }
        tok none = {"", 0};
        out->kind = NEXT_ERROR;
        out->index = -1;
        out->line = r->lineno;
        stray_message(out->error, sizeof out->error, r, n > 0 ? t[0] : none, 1);
        return;
    }
    if (r->io_error) {
        char *m = win32_message(r->io_error);
        out->kind = NEXT_ERROR;
        out->index = -1;
        out->line = r->lineno;
        snprintf(out->error, sizeof out->error, "cannot read the plan after line %u: %lu %s", (unsigned)r->lineno,
                 (unsigned long)r->io_error, m ? m : "");
        free(m);
        r->io_error = 0;
        return;
    }
    out->kind = NEXT_EOF;
}
