/*
 * Reading the plan: a line reader that survives anything (over-long lines, NUL bytes, no final newline)
 * and a parser that turns one `case` ... `end` block into steps before any of it runs, so a case the
 * runner cannot run as written is reported whole and never half-executed.
 */
#include "guest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define READ_CHUNK (1u << 20)
#define MAX_TOKENS 8
#define MAX_ID 1024u
#define MAX_SERVICE 256u
#define SAFE_INTEGER 9007199254740991ull /* the host decodes indices as JS numbers */

struct reader {
    HANDLE h;
    unsigned char *chunk;
    size_t pos, end;
    int eof;
    DWORD io_error;
    char *line;
    size_t len, cap;
    size_t lineno;
    int too_long;   /* 1: over LAB_MAX_LINE; 2: no memory to hold it */
    int has_nul;
    int pushed;     /* the current line is handed out again by the next rd_next */
    next_item *queue; /* problems found while reading the header, reported once cases start */
    size_t nqueue, qpos;
};

typedef struct {
    const char *p;
    size_t n;
} tok;

/* ---------------------------------------------------------------- lines */

reader *plan_open(const wchar_t *path, DWORD *e)
{
    HANDLE h = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                           OPEN_EXISTING, FILE_FLAG_SEQUENTIAL_SCAN, NULL);
    if (h == INVALID_HANDLE_VALUE) {
        *e = GetLastError();
        return NULL;
    }
    reader *r = calloc(1, sizeof *r);
    if (r) r->chunk = malloc(READ_CHUNK);
    if (!r || !r->chunk) {
        free(r);
        CloseHandle(h);
        *e = ERROR_NOT_ENOUGH_MEMORY;
        return NULL;
    }
    r->h = h;
    return r;
}

static void rd_append(reader *r, const unsigned char *p, size_t n)
{
    if (r->too_long || n == 0) return;
    if (n > LAB_MAX_LINE - r->len) {
        r->too_long = 1;
        return;
    }
    if (r->len + n + 1 > r->cap) {
        size_t cap = r->cap ? r->cap : 4096;
        while (cap < r->len + n + 1) cap *= 2;
        char *q = realloc(r->line, cap);
        if (!q) {
            r->too_long = 2;
            return;
        }
        r->line = q;
        r->cap = cap;
    }
    if (memchr(p, 0, n)) r->has_nul = 1;
    memcpy(r->line + r->len, p, n);
    r->len += n;
}

static void rd_finish(reader *r)
{
    r->lineno++;
    if (r->too_long) r->len = 0;
    if (r->len > 0 && r->line[r->len - 1] == '\r') r->len--;
    if (r->line) r->line[r->len] = 0;
}

/* 1: a line (r->line, r->len, r->too_long, r->has_nul); 0: end of file. A read error ends the file too
 * (r->io_error says why). */
static int rd_next(reader *r)
{
    if (r->pushed) {
        r->pushed = 0;
        return 1;
    }
    r->len = 0;
    r->too_long = 0;
    r->has_nul = 0;
    int any = 0;
    for (;;) {
        if (r->pos == r->end) {
            DWORD got = 0;
            if (r->eof) break;
            if (!ReadFile(r->h, r->chunk, READ_CHUNK, &got, NULL)) {
                r->io_error = GetLastError();
                got = 0;
            }
            if (got == 0) {
                r->eof = 1;
                break;
            }
            r->pos = 0;
            r->end = got;
        }
        any = 1;
        unsigned char *start = r->chunk + r->pos;
        size_t avail = r->end - r->pos;
        unsigned char *nl = memchr(start, '\n', avail);
        size_t take = nl ? (size_t)(nl - start) : avail;
        rd_append(r, start, take);
        r->pos += take;
        if (nl) {
            r->pos++;
            rd_finish(r);
            return 1;
        }
    }
    if (!any) return 0;
    rd_finish(r); /* a last line without "\n" */
    return 1;
}

static size_t split(const char *s, size_t n, tok *t, size_t max)
{
    size_t count = 0, i = 0;
    while (i < n) {
        while (i < n && (s[i] == ' ' || s[i] == '\t')) i++;
        if (i == n) break;
        size_t start = i;
        while (i < n && s[i] != ' ' && s[i] != '\t') i++;
        if (count < max) {
            t[count].p = s + start;
            t[count].n = i - start;
        }
        count++;
    }
    return count;
}

static int is(tok t, const char *word)
{
    size_t n = strlen(word);
    return t.n == n && memcmp(t.p, word, n) == 0;
}

/* Up to 40 bytes of a token for a message (the JSON writer escapes whatever is in it). */
static void quote(char *dst, size_t size, tok t)
{
    size_t n = t.n > 40 ? 40 : t.n;
    snprintf(dst, size, "'%.*s'%s", (int)n, t.p, t.n > n ? "..." : "");
}

/* Decimal, or hexadecimal with 0x; no sign, no overflow. */
static int parse_u64(tok t, uint64_t *out)
{
    uint64_t v = 0;
    size_t i = 0;
    if (t.n == 0) return 0;
    if (t.n > 2 && t.p[0] == '0' && (t.p[1] == 'x' || t.p[1] == 'X')) {
        for (i = 2; i < t.n; i++) {
            int c = (unsigned char)t.p[i], d;
            if (c >= '0' && c <= '9') d = c - '0';
            else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
            else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
            else return 0;
            if (v >> 60) return 0;
            v = v << 4 | (uint64_t)d;
        }
    } else {
        for (i = 0; i < t.n; i++) {
            int c = (unsigned char)t.p[i];
            if (c < '0' || c > '9') return 0;
            if (v > (UINT64_MAX - (uint64_t)(c - '0')) / 10) return 0;
            v = v * 10 + (uint64_t)(c - '0');
        }
    }
    *out = v;
    return 1;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Hex to bytes; *out is malloc'ed (at least one byte, so an empty result is not NULL). 0 on bad hex. */
static int parse_hex(const char *p, size_t n, unsigned char **out, size_t *len, int *oom)
{
    *oom = 0;
    if (n % 2) return 0;
    unsigned char *b = malloc(n / 2 + 1);
    if (!b) {
        *oom = 1;
        return 0;
    }
    for (size_t i = 0; i < n; i += 2) {
        int hi = hexval((unsigned char)p[i]), lo = hexval((unsigned char)p[i + 1]);
        if (hi < 0 || lo < 0) {
            free(b);
            return 0;
        }
        b[i / 2] = (unsigned char)(hi << 4 | lo);
    }
    *out = b;
    *len = n / 2;
    return 1;
}

static char *dup_tok(tok t)
{
    char *s = malloc(t.n + 1);
    if (!s) return NULL;
    memcpy(s, t.p, t.n);
    s[t.n] = 0;
    return s;
}

static const char *const STEP_WORDS[] = {"open", "close", "ioctl", "par", "endpar", "exec", "load", "unload", "sleep", "end", NULL};
static const char *const HEADER_WORDS[] = {"lab-plan", "device", "driver", "log", "markers", NULL};

static int in_list(tok t, const char *const *list)
{
    for (; *list; list++)
        if (is(t, *list)) return 1;
    return 0;
}

/* ---------------------------------------------------------------- header */

/* The rest of the line after the directive word and one space (paths may contain spaces). */
static tok rest_after(const char *line, size_t len, tok word)
{
    tok t;
    size_t off = (size_t)(word.p - line) + word.n + 1;
    if (off > len) off = len;
    t.p = line + off;
    t.n = len - off;
    return t;
}

static void queue_stray(reader *r, const char *msg, size_t line)
{
    next_item *q = realloc(r->queue, (r->nqueue + 1) * sizeof *q);
    if (!q) return;
    r->queue = q;
    next_item *it = &q[r->nqueue++];
    memset(it, 0, sizeof *it);
    it->kind = NEXT_ERROR;
    it->index = -1;
    it->id = NULL;
    it->line = line;
    snprintf(it->error, sizeof it->error, "%s", msg);
}

static void stray_message(char *msg, size_t size, const reader *r, tok word, int header_done)
{
    char q[64];
    quote(q, sizeof q, word);
    if (r->too_long == 1) snprintf(msg, size, "line %u is longer than %u bytes", (unsigned)r->lineno, LAB_MAX_LINE);
    else if (r->too_long == 2) snprintf(msg, size, "line %u is too long to hold in memory", (unsigned)r->lineno);
    else if (r->has_nul) snprintf(msg, size, "line %u contains a NUL byte", (unsigned)r->lineno);
    else if (in_list(word, STEP_WORDS)) snprintf(msg, size, "step %s outside a case", q);
    else if (in_list(word, HEADER_WORDS) && header_done) snprintf(msg, size, "header directive %s after the first case", q);
    else snprintf(msg, size, "unknown directive %s", q);
}

int plan_header_read(reader *r, plan_header *h, char *error, size_t error_size, size_t *line)
{
    tok t[MAX_TOKENS];
    memset(h, 0, sizeof *h);
    if (!rd_next(r)) {
        *line = r->io_error ? 0 : 1;
        if (r->io_error) {
            char *m = win32_message(r->io_error);
            snprintf(error, error_size, "cannot read the plan: %lu %s", (unsigned long)r->io_error, m);
            free(m);
        } else {
            snprintf(error, error_size, "the plan is empty (expected 'lab-plan 1')");
        }
        return -1;
    }
    /* A UTF-8 byte order mark (PowerShell's Out-File writes one) is not part of the first directive. */
    if (r->len >= 3 && memcmp(r->line, "\xEF\xBB\xBF", 3) == 0) {
        memmove(r->line, r->line + 3, r->len - 2);
        r->len -= 3;
    }
    size_t n = r->too_long || r->has_nul ? 0 : split(r->line, r->len, t, MAX_TOKENS);
    *line = 1;
    if (n != 2 || !is(t[0], "lab-plan")) {
        snprintf(error, error_size, "the first line must be 'lab-plan 1'");
        return -1;
    }
    if (!is(t[1], "1")) {
        char q[64];
        quote(q, sizeof q, t[1]);
        snprintf(error, error_size, "plan version %s is not supported (this runner reads version 1)", q);
        return -1;
    }
    while (rd_next(r)) {
        *line = r->lineno;
        n = r->too_long || r->has_nul ? 0 : split(r->line, r->len, t, MAX_TOKENS);
        if (!r->too_long && !r->has_nul && (n == 0 || t[0].p[0] == '#')) continue;
        if (n > 0 && is(t[0], "case")) {
            r->pushed = 1;
            break;
        }
        if (n > 0 && (is(t[0], "device") || is(t[0], "log"))) {
            int dev = is(t[0], "device");
            tok rest = rest_after(r->line, r->len, t[0]);
            if (n < 2) {
                snprintf(error, error_size, "'%s' needs a path", dev ? "device" : "log");
                return -1;
            }
            if (dev ? h->device != NULL : h->log != NULL) {
                snprintf(error, error_size, "a second '%s' line", dev ? "device" : "log");
                return -1;
            }
            wchar_t *w = utf8_to_wide(rest.p, rest.n);
            if (!w) {
                snprintf(error, error_size, "the %s path is not UTF-8", dev ? "device" : "log");
                return -1;
            }
            if (dev) h->device = w;
            else h->log = w;
            continue;
        }
        if (n > 0 && is(t[0], "driver")) {
            if (n < 3) {
                snprintf(error, error_size, "'driver' needs a service name and an image path");
                return -1;
            }
            if (h->service) {
                snprintf(error, error_size, "a second 'driver' line");
                return -1;
            }
            if (t[1].n > MAX_SERVICE) {
                snprintf(error, error_size, "the service name is longer than %u bytes", MAX_SERVICE);
                return -1;
            }
            tok rest = rest_after(r->line, r->len, t[1]);
            h->service = dup_tok(t[1]);
            h->image = utf8_to_wide(rest.p, rest.n);
            if (!h->service || !h->image) {
                snprintf(error, error_size, "the driver line is not UTF-8");
                return -1;
            }
            continue;
        }
        if (n > 0 && is(t[0], "markers")) {
            if (n != 2 || !(is(t[1], "debug") || is(t[1], "stderr"))) {
                snprintf(error, error_size, "'markers' takes 'debug' or 'stderr'");
                return -1;
            }
            h->markers_on_stderr = is(t[1], "stderr");
            continue;
        }
        if (n > 0 && is(t[0], "lab-plan")) {
            snprintf(error, error_size, "a second 'lab-plan' line");
            return -1;
        }
        /* Not fatal: the cases may still run. Reported once the cases start. */
        char msg[256];
        tok none = {"", 0};
        stray_message(msg, sizeof msg, r, n > 0 ? t[0] : none, 0);
        queue_stray(r, msg, r->lineno);
    }
    if (!h->device) {
        snprintf(error, error_size, "no 'device' line before the first case");
        *line = r->lineno;
        return -1;
    }
    return 0;
}

/* ---------------------------------------------------------------- cases */

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

static int want(size_t n, size_t expect, const char *usage, char *err, size_t size)
{
    if (n == expect) return 1;
    snprintf(err, size, "expected '%s'", usage);
    return 0;
}

static int slot_of(tok t, unsigned *slot, char *err, size_t size)
{
    uint64_t v;
    char q[64];
    quote(q, sizeof q, t);
    if (!parse_u64(t, &v)) {
        snprintf(err, size, "bad slot %s", q);
        return 0;
    }
    if (v >= LAB_MAX_SLOTS) {
        snprintf(err, size, "slot %s is out of range (0..%u)", q, LAB_MAX_SLOTS - 1);
        return 0;
    }
    *slot = (unsigned)v;
    return 1;
}

static int number(tok t, const char *what, uint64_t min, uint64_t max, uint64_t *out, char *err, size_t size)
{
    char q[64];
    quote(q, sizeof q, t);
    if (!parse_u64(t, out)) {
        snprintf(err, size, "bad %s %s", what, q);
        return 0;
    }
    if (*out < min || *out > max) {
        snprintf(err, size, "%s %s is out of range (%llu..%llu)", what, q, (unsigned long long)min, (unsigned long long)max);
        return 0;
    }
    return 1;
}

static void length_limit(step *s, const char *what, uint64_t v)
{
    if (v > LAB_MAX_BUFFER && !s->refused[0])
        snprintf(s->refused, sizeof s->refused, "%s %llu is over the limit of %u bytes", what, (unsigned long long)v, LAB_MAX_BUFFER);
}

/* Parses one step line into s. 0 with a message on a line the runner cannot run. */
static int parse_step(const plan_header *h, tok *t, size_t n, int in_par, step *s, char *err, size_t size)
{
    uint64_t v;
    tok w = t[0];
    if (n > MAX_TOKENS) {
        snprintf(err, size, "too many fields");
        return 0;
    }
    if (is(w, "open")) {
        s->kind = S_OPEN;
        if (!want(n, 3, "open <slot> <access>", err, size) || !slot_of(t[1], &s->slot, err, size)) return 0;
        if (is(t[2], "rw")) s->access = GENERIC_READ | GENERIC_WRITE;
        else if (is(t[2], "r")) s->access = GENERIC_READ;
        else if (is(t[2], "w")) s->access = GENERIC_WRITE;
        else if (is(t[2], "none")) s->access = 0;
        else {
            char q[64];
            quote(q, sizeof q, t[2]);
            snprintf(err, size, "bad access %s (rw, r, w or none)", q);
            return 0;
        }
        return 1;
    }
    if (is(w, "close")) {
        s->kind = S_CLOSE;
        return want(n, 2, "close <slot>", err, size) && slot_of(t[1], &s->slot, err, size);
    }
    if (is(w, "ioctl")) {
        s->kind = S_IOCTL;
        if (!want(n, 6, "ioctl <slot> <code> <inLen> <outLen> <payload>", err, size) || !slot_of(t[1], &s->slot, err, size) ||
            !number(t[2], "code", 0, 0xFFFFFFFFu, &v, err, size))
            return 0;
        s->code = (DWORD)v;
        if (!number(t[3], "inLen", 0, UINT64_MAX, &s->in_len, err, size) ||
            !number(t[4], "outLen", 0, UINT64_MAX, &s->out_len, err, size))
            return 0;
        length_limit(s, "inLen", s->in_len);
        length_limit(s, "outLen", s->out_len);
        tok p = t[5];
        if (is(p, "-")) {
            s->payload = P_NULL;
            return 1;
        }
        if (p.n >= 2 && (p.p[0] == 'x' || p.p[0] == 't') && p.p[1] == ':') {
            int oom;
            s->payload = p.p[0] == 'x' ? P_PATTERN : P_THREAD;
            if (parse_hex(p.p + 2, p.n - 2, &s->pattern, &s->pattern_len, &oom)) return 1;
            snprintf(err, size, oom ? "no memory for the payload" : "bad payload hex (even number of hex digits expected)");
            return 0;
        }
        snprintf(err, size, "bad payload (-, x:<hex> or t:<hex>)");
        return 0;
    }
    if (is(w, "sleep")) {
        s->kind = S_SLEEP;
        if (!want(n, 2, "sleep <ms>", err, size) || !number(t[1], "sleep", 0, LAB_MAX_SLEEP_MS, &v, err, size)) return 0;
        s->ms = (DWORD)v;
        return 1;
    }
    if (in_par && (is(w, "par") || is(w, "exec") || is(w, "load") || is(w, "unload"))) {
        char q[64];
        quote(q, sizeof q, w);
        snprintf(err, size, "%s is not allowed inside par", q);
        return 0;
    }
    if (is(w, "par")) {
        s->kind = S_PAR;
        if (!want(n, 3, "par <threads> <iterations>", err, size) ||
            !number(t[1], "threads", 1, LAB_MAX_THREADS, &v, err, size))
            return 0;
        s->threads = (unsigned)v;
        if (!number(t[2], "iterations", 1, LAB_MAX_ITERATIONS, &v, err, size)) return 0;
        s->iterations = (unsigned)v;
        return 1;
    }
    if (is(w, "exec")) {
        s->kind = S_EXEC;
        unsigned char *cmd;
        size_t len;
        int oom;
        if (!want(n, 3, "exec <timeoutMs> <hex>", err, size) ||
            !number(t[1], "timeoutMs", 1, LAB_MAX_EXEC_MS, &v, err, size))
            return 0;
        s->timeout_ms = (DWORD)v;
        if (!parse_hex(t[2].p, t[2].n, &cmd, &len, &oom)) {
            snprintf(err, size, oom ? "no memory for the command line" : "bad command line hex");
            return 0;
        }
        if (len == 0 || memchr(cmd, 0, len) || !(s->command = utf8_to_wide((char *)cmd, len))) {
            snprintf(err, size, "the command line is empty, has a NUL byte or is not UTF-8");
            free(cmd);
            return 0;
        }
        free(cmd);
        return 1;
    }
    if (is(w, "load") || is(w, "unload")) {
        s->kind = is(w, "load") ? S_LOAD : S_UNLOAD;
        if (!want(n, 2, s->kind == S_LOAD ? "load <service>" : "unload <service>", err, size)) return 0;
        if (t[1].n > MAX_SERVICE) {
            snprintf(err, size, "the service name is longer than %u bytes", MAX_SERVICE);
            return 0;
        }
        if (s->kind == S_LOAD && !h->image) {
            snprintf(err, size, "'load' needs the header's 'driver' line (it names the image)");
            return 0;
        }
        s->service = dup_tok(t[1]);
        if (!s->service) {
            snprintf(err, size, "out of memory");
            return 0;
        }
        return 1;
    }
    char q[64];
    quote(q, sizeof q, w);
    if (in_list(w, HEADER_WORDS)) snprintf(err, size, "header directive %s inside a case", q);
    else snprintf(err, size, "unknown directive %s", q);
    return 0;
}

/* Reads the block after a `case` line (already in r->line) up to its `end`. */
static void parse_case(reader *r, const plan_header *h, next_item *out)
{
    tok t[MAX_TOKENS + 1];
    size_t n = split(r->line, r->len, t, MAX_TOKENS + 1);
    step_vec top = {0}, inner = {0};
    int in_par = 0;
    size_t par_line = 0;
    char err[256] = "";
    size_t err_line = 0;
    uint64_t index = 0;
    int64_t case_index = -1;
    char *id = NULL;

    out->line = r->lineno;
    if (n != 3) {
        snprintf(err, sizeof err, "expected 'case <index> <id>'");
        err_line = r->lineno;
    } else if (!parse_u64(t[1], &index) || index > SAFE_INTEGER) {
        snprintf(err, sizeof err, "bad case index");
        err_line = r->lineno;
    } else if (t[2].n > MAX_ID) {
        case_index = (int64_t)index;
        snprintf(err, sizeof err, "the case id is longer than %u bytes", MAX_ID);
        err_line = r->lineno;
    } else {
        case_index = (int64_t)index;
        id = dup_tok(t[2]);
        if (!id) {
            snprintf(err, sizeof err, "out of memory");
            err_line = r->lineno;
        }
    }

    for (;;) {
        if (!rd_next(r)) {
            if (!err[0]) {
                snprintf(err, sizeof err, "the case has no 'end' (the plan ends at line %u)", (unsigned)r->lineno);
                err_line = out->line;
            }
            break;
        }
        if (r->too_long || r->has_nul) {
            if (!err[0]) {
                char w[1] = "";
                tok none = {w, 0};
                stray_message(err, sizeof err, r, none, 1);
                err_line = r->lineno;
            }
            continue;
        }
        n = split(r->line, r->len, t, MAX_TOKENS + 1);
        if (n == 0 || t[0].p[0] == '#') continue;
        if (is(t[0], "case")) {
            /* A missing `end`: this case is reported, the next one still runs. */
            r->pushed = 1;
            if (!err[0]) {
                snprintf(err, sizeof err, "the case has no 'end' before the next case (line %u)", (unsigned)r->lineno);
                err_line = out->line;
            }
            break;
        }
        if (is(t[0], "end")) {
            if (!err[0] && n != 1) {
                snprintf(err, sizeof err, "expected 'end'");
                err_line = r->lineno;
            }
            if (!err[0] && in_par) {
                snprintf(err, sizeof err, "par at line %u has no endpar", (unsigned)par_line);
                err_line = par_line;
            }
            break;
        }
        if (err[0]) continue; /* the case is already unrunnable; read on to its end */
        if (is(t[0], "endpar")) {
            if (!in_par || n != 1) {
                snprintf(err, sizeof err, in_par ? "expected 'endpar'" : "endpar without par");
                err_line = r->lineno;
                continue;
            }
            step *p = &top.v[top.n - 1];
            p->sub = inner.v;
            p->nsub = inner.n;
            memset(&inner, 0, sizeof inner);
            in_par = 0;
            continue;
        }
        step *s = push_step(in_par ? &inner : &top);
        if (!s) {
            snprintf(err, sizeof err, "out of memory");
            err_line = r->lineno;
            continue;
        }
        if (!parse_step(h, t, n, in_par, s, err, sizeof err)) {
            err_line = r->lineno;
            continue;
        }
        if (s->kind == S_PAR) {
            in_par = 1;
            par_line = r->lineno;
        }
    }

    /* An unclosed par's inner steps still belong to `inner`. */
    for (size_t i = 0; i < inner.n; i++) step_free(&inner.v[i]);
    free(inner.v);
    if (err[0]) {
        for (size_t i = 0; i < top.n; i++) step_free(&top.v[i]);
        free(top.v);
        out->kind = NEXT_ERROR;
        out->index = case_index;
        out->id = id;
        out->line = err_line;
        out->counts_as_case = 1;
        snprintf(out->error, sizeof out->error, "%s", err);
        return;
    }
    out->kind = NEXT_CASE;
    out->c.index = case_index;
    out->c.id = id;
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
        size_t n = r->too_long || r->has_nul ? 0 : split(r->line, r->len, t, MAX_TOKENS);
        if (!r->too_long && !r->has_nul && (n == 0 || t[0].p[0] == '#')) continue;
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
                 (unsigned long)r->io_error, m);
        free(m);
        r->io_error = 0;
        return;
    }
    out->kind = NEXT_EOF;
}
