/* A plan line's words, and the numbers and hex bytes read from them: no sign, no overflow, no surprises. */
#include "plan-tokens.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const STEP_WORDS[] = {"open", "close", "ioctl", "par", "endpar", "exec", "load", "unload", "sleep", "end", NULL};
const char *const HEADER_WORDS[] = {"lab-plan", "device", "driver", "log", "markers", "workdir", NULL};

size_t split(const char *s, size_t n, tok *t, size_t max)
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

int is(tok t, const char *word)
{
    size_t n = strlen(word);
    return t.n == n && memcmp(t.p, word, n) == 0;
}

int in_list(tok t, const char *const *list)
{
    for (; *list; list++)
        if (is(t, *list)) return 1;
    return 0;
}

void quote(char *dst, size_t size, tok t)
{
    size_t n = t.n > 40 ? 40 : t.n;
    snprintf(dst, size, "'%.*s'%s", (int)n, t.p, t.n > n ? "..." : "");
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

int parse_u64(tok t, uint64_t *out)
{
    uint64_t v = 0;
    if (t.n == 0) return 0;
    if (t.n > 2 && t.p[0] == '0' && (t.p[1] == 'x' || t.p[1] == 'X')) {
        for (size_t i = 2; i < t.n; i++) {
            int d = hexval((unsigned char)t.p[i]);
            if (d < 0 || v >> 60) return 0;
            v = v << 4 | (uint64_t)d;
        }
    } else {
        for (size_t i = 0; i < t.n; i++) {
            int c = (unsigned char)t.p[i];
            if (c < '0' || c > '9') return 0;
            if (v > (UINT64_MAX - (uint64_t)(c - '0')) / 10) return 0;
            v = v * 10 + (uint64_t)(c - '0');
        }
    }
    *out = v;
    return 1;
}

int parse_hex(const char *p, size_t n, unsigned char **out, size_t *len, int *oom)
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

char *dup_tok(tok t)
{
    char *s = malloc(t.n + 1);
    if (!s) return NULL;
    if (t.n) memcpy(s, t.p, t.n);
    s[t.n] = 0;
    return s;
}

tok rest_after(const char *line, size_t len, tok word)
{
    tok t;
    size_t off = (size_t)(word.p - line) + word.n + 1;
    if (off > len) off = len;
    t.p = line + off;
    t.n = len - off;
    return t;
}
