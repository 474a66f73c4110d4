/*
 * Plan lines from any source: survives over-long lines, NUL bytes and a missing final newline, so every
 * problem becomes a message about a line instead of a crash or a half-read plan.
 */
#include "plan-reader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define READ_CHUNK (1u << 20)

reader *plan_reader(plan_source source, void *ctx)
{
    reader *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    if (!(r->chunk = malloc(READ_CHUNK))) {
        free(r);
        return NULL;
    }
    r->source = source;
    r->ctx = ctx;
    return r;
}

void plan_reader_free(reader *r)
{
    if (!r) return;
    for (size_t i = r->qpos; i < r->nqueue; i++) item_free(&r->queue[i]);
    free(r->queue);
    free(r->line);
    free(r->chunk);
    free(r);
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

int rd_next(reader *r)
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
            size_t got = 0;
            DWORD e = 0;
            if (r->eof) break;
            if (!r->source(r->ctx, r->chunk, READ_CHUNK, &got, &e)) {
                r->io_error = e;
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

size_t rd_words(const reader *r, tok *t, size_t max)
{
    if (r->too_long || r->has_nul) return 0;
    size_t n = split(r->line, r->len, t, max);
    return n > 0 && t[0].p[0] == '#' ? 0 : n;
}

void stray_message(char *msg, size_t size, const reader *r, tok word, int header_done)
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
