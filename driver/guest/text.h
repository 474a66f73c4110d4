/* text.c: text at the Win32 boundary (UTF-8 in the plan and results, UTF-16 for Windows). */
#ifndef LAB_TEXT_H
#define LAB_TEXT_H

#include "win.h"

/* Windows' text for a Win32 error (UTF-8, one line); NULL only without memory; free with free(). */
char *win32_message(DWORD e);
/* Strict UTF-8 to UTF-16; NULL when not UTF-8 or no memory; free with free(). */
wchar_t *utf8_to_wide(const char *s, size_t n);

#endif
