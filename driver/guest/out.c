/*
 * JSON lines on stdout. WriteFile on the raw handle, never stdio: no "\r" is ever added, nothing sits in a
 * buffer (the host must see `begin` before a case runs to blame a crash or hang on it), and no printf
 * format differences between msvcrt versions matter.
 */
#include "out.h"
#include "text.h"

#include <stdlib.h>
#include <string.h>

static HANDLE g_stdout;
/* A case line with large outputs is written in pieces once it passes this size, so memory stays bounded. */
#define CHUNK_AT (4u * 1024u * 1024u)

void out_init(void)
{
    g_stdout = GetStdHandle(STD_OUTPUT_HANDLE);
}

static void write_all(const char *p, size_t n)
{
    while (n > 0) {
        DWORD done = 0;
        DWORD part = n > 0x100000 ? 0x100000 : (DWORD)n;
        /* A host that went away is no reason to stop: the driver must still be unloaded. */
        if (!WriteFile(g_stdout, p, part, &done, NULL) || done == 0) return;
        p += done;
        n -= done;
    }
}

static int reserve(jbuf *b, size_t more)
{
    if (b->oom) return 0;
    if (b->n + more <= b->cap) return 1;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->n + more) {
        if (cap > ((size_t)-1) / 2) { b->oom = 1; return 0; }
        cap *= 2;
    }
    char *p = realloc(b->p, cap);
    if (!p) { b->oom = 1; return 0; }
    b->p = p;
    b->cap = cap;
    return 1;
}

void jb_raw(jbuf *b, const char *s, size_t n)
{
    if (!reserve(b, n)) return;
    memcpy(b->p + b->n, s, n);
    b->n += n;
}

void jb_lit(jbuf *b, const char *s) { jb_raw(b, s, strlen(s)); }

/* Length of a valid UTF-8 sequence at s (1..4), or 0 when the bytes there are not valid UTF-8. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t len;
    unsigned min;
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) { len = 2; min = 0x80; }
    else if (c >= 0xE0 && c <= 0xEF) { len = 3; min = 0x800; }
    else if (c >= 0xF0 && c <= 0xF4) { len = 4; min = 0x10000; }
    else return 0;
    if (n < len) return 0;
    unsigned cp = c & (0x7F >> len);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return len;
}

void jb_str(jbuf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *u = (const unsigned char *)s;
    if (!reserve(b, n + 2)) return;
    b->p[b->n++] = '"';
    for (size_t i = 0; i < n;) {
        unsigned c = u[i];
        size_t len = c < 0x80 ? 1 : utf8_len(u + i, n - i);
        if (c == '"' || c == '\\') {
            char esc[2] = {'\\', (char)c};
            jb_raw(b, esc, 2);
        } else if (c < 0x20 || len == 0) {
            /* Control characters, and bytes that are not UTF-8 (taken as Latin-1), so the line stays valid JSON. */
            char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            jb_raw(b, esc, 6);
            len = 1;
        } else {
            jb_raw(b, s + i, len);
        }
        i += len;
    }
    jb_raw(b, "\"", 1);
}

void jb_cstr(jbuf *b, const char *s) { jb_str(b, s, strlen(s)); }

void jb_u64(jbuf *b, uint64_t v)
{
    char tmp[24];
    size_t i = sizeof tmp;
    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    jb_raw(b, tmp + i, sizeof tmp - i);
}

void jb_i64(jbuf *b, int64_t v)
{
    if (v < 0) {
        jb_raw(b, "-", 1);
        jb_u64(b, (uint64_t)0 - (uint64_t)v);
    } else {
        jb_u64(b, (uint64_t)v);
    }
}

void jb_us(jbuf *b, double us)
{
    if (!(us > 0)) us = 0; /* also NaN */
    if (us > 1e15) us = 1e15;
    uint64_t milli = (uint64_t)(us * 1000.0 + 0.5);
    char frac[4] = {'.', (char)('0' + milli / 100 % 10), (char)('0' + milli / 10 % 10), (char)('0' + milli % 10)};
    jb_u64(b, milli / 1000);
    jb_raw(b, frac, 4);
}

void jb_hex(jbuf *b, const void *p, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *u = p;
    if (!reserve(b, 2 * n + 2)) return;
    char *d = b->p + b->n;
    *d++ = '"';
    for (size_t i = 0; i < n; i++) {
        *d++ = hex[u[i] >> 4];
        *d++ = hex[u[i] & 15];
    }
    *d++ = '"';
    b->n += 2 * n + 2;
}

void jb_chunk(jbuf *b)
{
    if (b->oom || b->n < CHUNK_AT) return;
    write_all(b->p, b->n);
    b->n = 0;
    b->chunked = 1;
}

void jb_discard(jbuf *b)
{
    /* A half-written line is ended so the host sees one malformed line, not a line glued to the next. */
    if (b->chunked) write_all("\n", 1);
    b->n = 0;
    b->oom = 0;
    b->chunked = 0;
}

void jb_line(jbuf *b)
{
    jb_raw(b, "\n", 1);
    if (b->oom) {
        static const char msg[] = "{\"t\":\"case\",\"i\":-1,\"id\":\"\",\"error\":\"out of memory while writing a result line\",\"line\":0}\n";
        jb_discard(b);
        write_all(msg, sizeof msg - 1);
        return;
    }
    write_all(b->p, b->n);
    b->n = 0;
    b->chunked = 0;
    /* Keep small buffers for the next line; give big ones back. */
    if (b->cap > CHUNK_AT * 2) {
        free(b->p);
        b->p = NULL;
        b->cap = 0;
    }
}

void jb_free(jbuf *b)
{
    free(b->p);
    b->p = NULL;
    b->n = b->cap = 0;
}

void out_plan_error(const char *msg, size_t line)
{
    jbuf b = {0};
    jb_lit(&b, "{\"t\":\"plan-error\",\"error\":");
    jb_cstr(&b, msg);
    jb_lit(&b, ",\"line\":");
    jb_u64(&b, line);
    jb_lit(&b, "}");
    jb_line(&b);
    jb_free(&b);
}

void jb_win32(jbuf *b, DWORD e)
{
    char *m = win32_message(e);
    jb_lit(b, "\"e\":");
    jb_u64(b, e);
    jb_lit(b, ",\"msg\":");
    jb_cstr(b, m ? m : "");
    free(m);
}

void jb_refused(jbuf *b, const char *kind, const char *why)
{
    jb_lit(b, "{\"k\":\"");
    jb_lit(b, kind);
    jb_lit(b, "\",\"e\":null,\"error\":");
    jb_cstr(b, why);
    jb_lit(b, "}");
}
