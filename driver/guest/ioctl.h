/*
 * ioctl.c: the I/O primitives every step kind is made of (open, close, input and output buffers, one
 * DeviceIoControl). They write no JSON and know no plan syntax beyond a step's buffers, so steps.c and
 * par.c both build on them: steps -> par -> ioctl.
 */
#ifndef LAB_IOCTL_H
#define LAB_IOCTL_H

#include "plan.h"

/* What a call returned: the Win32 error a program sees (0 = success) and the NTSTATUS behind it. */
typedef struct {
    DWORD e;
    DWORD s;
} call_status;
#define STATUS_OF_INVALID_HANDLE 0xC0000008u /* STATUS_INVALID_HANDLE: a slot that holds no handle */

/* CreateFile of the device; NULL when it cannot be opened. The NTSTATUS is the one CreateFile's failure
 * came from (0 when it opened). */
HANDLE open_device(const wchar_t *device, DWORD access, call_status *st);
/* NtClose, and its status as CloseHandle reports it. */
call_status close_device(HANDLE h);
/* The step's input bytes (NULL for the "-" payload); *failed is set when there is no memory for them. */
unsigned char *make_input(const step *s, unsigned thread_index, int *failed);
/* out_len bytes followed by LAB_GUARD_BYTES guard bytes; NULL without memory. */
unsigned char *alloc_output(DWORD out_len);

typedef struct {
    DWORD e, s, n; /* Win32 error, NTSTATUS, bytes returned (the IO_STATUS_BLOCK's Information) */
    double us;
    int guard_damaged;
} ioctl_result;
/* DeviceIoControl as kernelbase makes it, so the NTSTATUS is kept: NtDeviceIoControlFile (NtFsControlFile
 * for file system codes), e = RtlNtStatusToDosError(s) when s is not a success. out has out_len + LAB_GUARD_BYTES bytes with the guard set (or is NULL when out_len is 0); the guard is
 * set again after a call that damaged it, ready for the next one. */
ioctl_result do_ioctl(HANDLE h, DWORD code, const unsigned char *in, DWORD in_len, unsigned char *out, DWORD out_len);

#endif
