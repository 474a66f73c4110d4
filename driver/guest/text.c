/*
 * Text conversions at the Win32 boundary: the plan and the results are UTF-8, Windows APIs take UTF-16,
 * and every Win32 error the runner reports carries Windows' own text for it.
 */
#include "text.h"

#include <stdio.h>
#include <stdlib.h>

wchar_t *utf8_to_wide(const char *s, size_t n)
{
    if (n > 0x7FFFFFFF) return NULL;
    int wn = n ? MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, (int)n, NULL, 0) : 0;
    if (n && wn <= 0) return NULL;
    wchar_t *w = malloc(((size_t)wn + 1) * sizeof *w);
    if (!w) return NULL;
    if (n) MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, (int)n, w, wn);
    w[wn] = 0;
    return w;
}

char *win32_message(DWORD e)
{
    wchar_t *w = NULL;
    char *s = NULL;
    DWORD n = FormatMessageW(FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
                             NULL, e, 0, (LPWSTR)&w, 0, NULL);
    /* Messages end in "\r\n"; results never carry "\r". */
    while (n > 0 && (w[n - 1] == L'\r' || w[n - 1] == L'\n' || w[n - 1] == L' ')) n--;
    if (n > 0) {
        int len = WideCharToMultiByte(CP_UTF8, 0, w, (int)n, NULL, 0, NULL, NULL);
        if (len > 0 && (s = malloc((size_t)len + 1)) != NULL) {
            WideCharToMultiByte(CP_UTF8, 0, w, (int)n, s, len, NULL, NULL);
            s[len] = 0;
            for (int i = 0; i < len; i++)
                if (s[i] == '\r' || s[i] == '\n') s[i] = ' ';
        }
    }
    if (w) LocalFree(w);
    if (!s && (s = malloc(48)) != NULL) snprintf(s, 48, "Win32 error %lu", (unsigned long)e);
    return s;
}
