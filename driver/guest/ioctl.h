/*
 * ioctl.c: the I/O primitives every step kind is made of (open, close, input and output buffers, one
 * DeviceIoControl, ReadFile or WriteFile). They write no JSON and know no plan syntax beyond a step's
 * buffers, so steps.c, async.c and par.c all build on them: steps -> par -> ioctl.
 */
#ifndef LAB_IOCTL_H
#define LAB_IOCTL_H

#include "plan.h"

#include <winternl.h>

/* What a call returned: the Win32 error a program sees (0 = success) and the NTSTATUS behind it. */
typedef struct {
    DWORD e;
    DWORD s;
} call_status;
#define STATUS_OF_INVALID_HANDLE 0xC0000008u /* STATUS_INVALID_HANDLE: a slot that holds no handle */
#define STATUS_OF_PENDING 0x00000103u        /* STATUS_PENDING */

/* CreateFile of the device; NULL when it cannot be opened. The NTSTATUS is the one CreateFile's failure
 * came from (0 when it opened). */
HANDLE open_device(const wchar_t *device, DWORD access, call_status *st);
/* An `open` step: its device (or the header's) with its path, share, disposition and overlapped flag. */
HANDLE open_step(const plan_header *h, const step *s, call_status *st);
/* NtClose, and its status as CloseHandle reports it. */
call_status close_device(HANDLE h);
/* The step's input bytes (NULL for the "-" payload); *failed is set when there is no memory for them. */
unsigned char *make_input(const step *s, unsigned thread_index, int *failed);
/* out_len bytes followed by LAB_GUARD_BYTES guard bytes; NULL without memory. */
unsigned char *alloc_output(DWORD out_len);
/* The Win32 error for an NTSTATUS, as kernelbase maps it: 0 for success and warning-free statuses. */
DWORD dos_error_of(DWORD status);

/* One request to a device: an ioctl (in and out), a read (out) or a write (in). */
typedef struct {
    enum step_kind kind;
    DWORD code;
    const void *in;
    DWORD in_len;
    void *out;
    DWORD out_len;
    int has_offset; /* read, write: without one, the handle's position (offset 0 on an overlapped handle) */
    uint64_t offset;
} io_request;

typedef struct {
    DWORD e, s, n; /* Win32 error, NTSTATUS, bytes returned (the IO_STATUS_BLOCK's Information) */
    double us;
    int guard_damaged;
} ioctl_result;

/* Issues the request (NtDeviceIoControlFile, NtFsControlFile for file system codes, NtReadFile,
 * NtWriteFile) and returns what the call returned: STATUS_PENDING when it goes on asynchronously. */
NTSTATUS io_issue(HANDLE h, HANDLE event, IO_STATUS_BLOCK *io, int overlapped, const io_request *r);
/* Waits for a request issued on an overlapped handle, and for its IO_STATUS_BLOCK: Wine 8 may signal the
 * event before it writes the block. 1 when it finished within timeout_ms. */
int io_wait(HANDLE event, IO_STATUS_BLOCK *io, DWORD timeout_ms);
/* A whole synchronous request, as DeviceIoControl, ReadFile and WriteFile make it (Windows' rule for `e`). */
ioctl_result io_call(HANDLE h, int overlapped, const io_request *r);
/* io_call of an ioctl on a synchronous handle; out has out_len + LAB_GUARD_BYTES bytes with the guard set
 * (or is NULL when out_len is 0); the guard is set again after a call that damaged it. */
ioctl_result do_ioctl(HANDLE h, DWORD code, const unsigned char *in, DWORD in_len, unsigned char *out, DWORD out_len);

#endif
