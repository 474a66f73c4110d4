/*
 * ioctl.c: the I/O primitives every step kind is made of (open, close, input and output buffers, one
 * DeviceIoControl). They write no JSON and know no plan syntax beyond a step's buffers, so steps.c and
 * par.c both build on them: steps -> par -> ioctl.
 */
#ifndef LAB_IOCTL_H
#define LAB_IOCTL_H

#include "plan.h"

/* NULL with the Win32 error in *e when the device cannot be opened. */
HANDLE open_device(const wchar_t *device, DWORD access, DWORD *e);
/* The step's input bytes (NULL for the "-" payload); *failed is set when there is no memory for them. */
unsigned char *make_input(const step *s, unsigned thread_index, int *failed);
/* out_len bytes followed by LAB_GUARD_BYTES guard bytes; NULL without memory. */
unsigned char *alloc_output(DWORD out_len);

typedef struct {
    DWORD e, n;
    double us;
    int guard_damaged;
} ioctl_result;
/* out has out_len + LAB_GUARD_BYTES bytes with the guard set (or is NULL when out_len is 0); the guard is
 * set again after a call that damaged it, ready for the next one. */
ioctl_result do_ioctl(HANDLE h, DWORD code, const unsigned char *in, DWORD in_len, unsigned char *out, DWORD out_len);

#endif
