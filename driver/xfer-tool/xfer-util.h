/* xfer-util.dll: what xfer-tool.exe imports, so the example suite deploys a program with a DLL beside it. */
#ifndef XFER_UTIL_H
#define XFER_UTIL_H

#include <stddef.h>

#ifdef XFER_UTIL_BUILD
#define XFER_UTIL_API __declspec(dllexport)
#else
#define XFER_UTIL_API __declspec(dllimport)
#endif

/* "xfer version <n>" into out; the number of characters written. */
XFER_UTIL_API int xfer_util_version_line(char *out, size_t size, unsigned long version);

#endif
