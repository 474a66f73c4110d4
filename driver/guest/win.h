/*
 * The Windows headers, as every unit of the runner includes them. The native fuzz build of the plan reader
 * (testing/fuzz/) puts its own small windows.h first on the include path instead.
 */
#ifndef LAB_WIN_H
#define LAB_WIN_H

/* mingw-w64's own printf family (static, C99 formats) rather than msvcrt's. */
#define __USE_MINGW_ANSI_STDIO 1
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <stddef.h>
#include <stdint.h>

#endif
