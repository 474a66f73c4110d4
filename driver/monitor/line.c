/*
 * The monitor's output: `lab-monitor <token> {json}` lines on stderr. Under Wine that pipe also carries the
 * guest runner's case markers, so what the monitor reports keeps its order against the cases; the token
 * (random per session, from the host) tells its lines from anything a program could print.
 */
#include "monitor.h"

#include <stdio.h>
#include <string.h>

static char g_prefix[80];
static CRITICAL_SECTION g_lock;
static HANDLE g_err;

void line_init(const char *token, HANDLE out)
{
    InitializeCriticalSection(&g_lock);
    g_err = out;
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

/*
 * A JSON string. DbgPrint text is in the ANSI code page, not UTF-8: every byte outside printable ASCII is
 * written as \u00XX (the byte read as Latin-1), so any text gives valid JSON and no byte is lost.
 */
void line_str(line_t *l, const char *k, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *u = (const unsigned char *)s;
    key(l, k);
    put(l, "\"", 1);
    /* Room for the longest escape and the closing quote, or the string ends there. */
    for (size_t i = 0; i < n && l->n + 12 <= MON_LINE_MAX - 8; i++) {
        if (u[i] == '"' || u[i] == '\\') {
            char esc[2] = {'\\', (char)u[i]};
            put(l, esc, 2);
        } else if (u[i] < 0x20 || u[i] >= 0x7f) {
            char esc[6] = {'\\', 'u', '0', '0', hex[u[i] >> 4], hex[u[i] & 15]};
            put(l, esc, 6);
        } else {
            put(l, s + i, 1);
        }
    }
    put(l, "\"", 1);
}

/* A JSON string of UTF-16 text: JSON's \uXXXX escapes are UTF-16 code units, surrogates included. */
void line_wstrn(line_t *l, const char *k, const wchar_t *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    key(l, k);
    put(l, "\"", 1);
    for (size_t i = 0; i < n && l->n + 12 <= MON_LINE_MAX - 8; i++) {
        unsigned c = s[i];
        if (c == '"' || c == '\\') {
            char esc[2] = {'\\', (char)c};
            put(l, esc, 2);
        } else if (c < 0x20 || c >= 0x7f) {
            char esc[6] = {'\\', 'u', hex[c >> 12], hex[(c >> 8) & 15], hex[(c >> 4) & 15], hex[c & 15]};
            put(l, esc, 6);
        } else {
            char ch = (char)c;
            put(l, &ch, 1);
        }
    }
    put(l, "\"", 1);
}

void line_wstr(line_t *l, const char *k, const wchar_t *s) { line_wstrn(l, k, s, wcslen(s)); }

void line_u64(line_t *l, const char *k, uint64_t v)
{
    char tmp[24];
    key(l, k);
    put(l, tmp, (size_t)snprintf(tmp, sizeof tmp, "%llu", (unsigned long long)v));
}

void line_hex(line_t *l, const char *k, uint64_t v)
{
    char tmp[24];
    key(l, k);
    put(l, tmp, (size_t)snprintf(tmp, sizeof tmp, "\"0x%llx\"", (unsigned long long)v));
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

void line_print(DWORD pid, DWORD tid, const void *text, size_t n, int wide)
{
    size_t shown = n > MON_PRINT_SHOWN ? MON_PRINT_SHOWN : n;
    line_t l;
    line_begin(&l, "print");
    line_u64(&l, "pid", pid);
    line_u64(&l, "tid", tid);
    if (wide) line_wstrn(&l, "text", text, shown);
    else line_str(&l, "text", text, shown);
    /* How many bytes (characters) the driver printed, or that it printed more than Wine kept. */
    if (n == MON_PRINT_READ) line_u64(&l, "atLeast", n);
    else line_u64(&l, "bytes", n);
    line_end(&l);
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
