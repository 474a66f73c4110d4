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

static const char *const KIND_NAMES[S_KIND_COUNT] = {"open", "close", "ioctl", "par", "exec", "load", "unload", "sleep"};

const char *step_kind_name(enum step_kind k)
{
    return (unsigned)k < S_KIND_COUNT ? KIND_NAMES[k] : "?";
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

static int parse_open(const line_ctx *l, step *s)
{
    tok *t = l->t;
    if (l->n == 4 && is(t[3], "required")) {
        if (l->in_par) {
            snprintf(l->err, l->size, "'required' is not allowed inside par");
            return 0;
        }
        s->required = 1;
    } else if (!want(l, 3, "open <slot> <access> [required]")) {
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

static int parse_ioctl(const line_ctx *l, step *s)
{
    tok *t = l->t;
    uint64_t v;
    if (!want(l, 6, "ioctl <slot> <code> <inLen> <outLen> <payload>") || !slot_of(l, t[1], &s->slot) ||
        !number(l, t[2], "code", 0, 0xFFFFFFFFu, &v))
        return 0;
    s->code = (DWORD)v;
    if (!number(l, t[3], "inLen", 0, UINT64_MAX, &s->in_len) || !number(l, t[4], "outLen", 0, UINT64_MAX, &s->out_len)) return 0;
    length_limit(s, "inLen", s->in_len);
    length_limit(s, "outLen", s->out_len);
    return parse_payload(l, t[5], s);
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

static int parse_exec(const line_ctx *l, step *s)
{
    unsigned char *cmd;
    size_t len;
    int oom;
    uint64_t v;
    if (!want(l, 3, "exec <timeoutMs> <hex>") || !number(l, l->t[1], "timeoutMs", 1, LAB_MAX_EXEC_MS, &v)) return 0;
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
    tok *t = l->t;
    if (!want(l, 2, s->kind == S_LOAD ? "load <service>" : "unload <service>")) return 0;
    if (t[1].n > LAB_MAX_SERVICE) {
        snprintf(l->err, l->size, "the service name is longer than %u bytes", LAB_MAX_SERVICE);
        return 0;
    }
    if (s->kind == S_LOAD && !l->h->image) {
        snprintf(l->err, l->size, "'load' needs the header's 'driver' line (it names the image)");
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
    free(s->command);
    free(s->service);
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
