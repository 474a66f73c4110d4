/*
 * The monitor's output: `lab-monitor <token> {json}` lines on stderr. Under Wine that pipe also carries the
 * guest runner's case markers, so what the monitor reports keeps its order against the cases; the token
 * (random per session, from the host) tells its lines from anything a program could print.
 */
#include "monitor.h"

#include <string.h>

static char g_prefix[80];
static CRITICAL_SECTION g_lock;
static HANDLE g_err;

void line_init(const char *token)
{
    InitializeCriticalSection(&g_lock);
    g_err = GetStdHandle(STD_ERROR_HANDLE);
    size_t n = strlen(token);
    if (n > 64) n = 64;
    memcpy(g_prefix, "lab-monitor ", 12);
    memcpy(g_prefix + 12, token, n);
    g_prefix[12 + n] = ' ';
    g_prefix[13 + n] = 0;
}

/* Appends what fits; a line never grows past MON_LINE_MAX (strings are cut, the JSON stays whole). */
static void put(line_t *l, const char *s, size_t n)
{
    if (n > MON_LINE_MAX - 8 - l->n) n = MON_LINE_MAX - 8 - l->n;
    memcpy(l->buf + l->n, s, n);
    l->n += n;
}

void line_raw(line_t *l, const char *s) { put(l, s, strlen(s)); }

void line_begin(line_t *l, const char *type)
{
    l->n = 0;
    line_raw(l, g_prefix);
    line_raw(l, "{\"t\":\"");
    line_raw(l, type);
    line_raw(l, "\"");
}

static void key(line_t *l, const char *k)
{
    line_raw(l, ",\"");
    line_raw(l, k);
    line_raw(l, "\":");
}

/* Length of a valid UTF-8 sequence at s, or 0: bytes that are not UTF-8 are escaped as Latin-1. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0], cp, min;
    size_t len;
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) { len = 2; min = 0x80; }
    else if (c >= 0xE0 && c <= 0xEF) { len = 3; min = 0x800; }
    else if (c >= 0xF0 && c <= 0xF4) { len = 4; min = 0x10000; }
    else return 0;
    if (n < len) return 0;
    cp = c & (0x7F >> len);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    return cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) ? 0 : len;
}

void line_str(line_t *l, const char *k, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *u = (const unsigned char *)s;
    key(l, k);
    put(l, "\"", 1);
    for (size_t i = 0; i < n;) {
        size_t len = utf8_len(u + i, n - i);
        /* Room for the longest escape and the closing quote, or the string ends here. */
        if (l->n + 12 > MON_LINE_MAX - 8) break;
        if (u[i] == '"' || u[i] == '\\') {
            char esc[2] = {'\\', (char)u[i]};
            put(l, esc, 2);
        } else if (u[i] < 0x20 || len == 0) {
            char esc[6] = {'\\', 'u', '0', '0', hex[u[i] >> 4], hex[u[i] & 15]};
            put(l, esc, 6);
            len = 1;
        } else {
            put(l, s + i, len);
        }
        i += len;
    }
    put(l, "\"", 1);
}

void line_wstr(line_t *l, const char *k, const wchar_t *s)
{
    char utf8[1024];
    int n = WideCharToMultiByte(CP_UTF8, 0, s, -1, utf8, sizeof utf8, NULL, NULL);
    line_str(l, k, utf8, n > 0 ? (size_t)n - 1 : 0);
}

void line_u64(line_t *l, const char *k, uint64_t v)
{
    char tmp[24];
    size_t i = sizeof tmp;
    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    key(l, k);
    put(l, tmp + i, sizeof tmp - i);
}

void line_hex(line_t *l, const char *k, uint64_t v)
{
    static const char hex[] = "0123456789abcdef";
    char tmp[20];
    size_t i = sizeof tmp;
    do {
        tmp[--i] = hex[v & 15];
        v >>= 4;
    } while (v);
    key(l, k);
    put(l, "\"0x", 3);
    put(l, tmp + i, sizeof tmp - i);
    put(l, "\"", 1);
}

void line_end(line_t *l)
{
    memcpy(l->buf + l->n, "}\n", 2);
    l->n += 2;
    EnterCriticalSection(&g_lock);
    DWORD done;
    for (size_t at = 0; at < l->n; at += done)
        if (!WriteFile(g_err, l->buf + at, (DWORD)(l->n - at), &done, NULL) || done == 0) break;
    LeaveCriticalSection(&g_lock);
}

void line_quiesce(void)
{
    /* Taken and never given back: the process is about to exit, and no line may be cut in half. */
    EnterCriticalSection(&g_lock);
}

void line_warning(const char *what, DWORD error)
{
    line_t l;
    line_begin(&l, "warning");
    line_str(&l, "text", what, strlen(what));
    line_u64(&l, "error", error);
    line_end(&l);
}
