/*
 * newer-api.c: kernel32 functions newer than NT 5.2 (Windows Server 2003, ReactOS), the oldest Windows the
 * runner starts on. They are looked up by name, never imported, so the runner still starts where they are
 * missing; each caller says what it does without one.
 */
#ifndef LAB_NEWER_API_H
#define LAB_NEWER_API_H

#include "win.h"

typedef BOOL(WINAPI *cancel_synchronous_io_fn)(HANDLE thread);
typedef BOOL(WINAPI *cancel_io_ex_fn)(HANDLE file, LPOVERLAPPED overlapped);

/* Vista's; NULL before. Looked up once. */
cancel_synchronous_io_fn api_cancel_synchronous_io(void);
cancel_io_ex_fn api_cancel_io_ex(void);

#endif
