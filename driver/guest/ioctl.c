#include "ioctl.h"
#include "buffers.h"
#include "clock.h"

#include <winternl.h>
#include <stdlib.h>
#include <string.h>

#define NT_OK(s) ((LONG)(s) >= 0)
#define FILE_DEVICE_FILE_SYSTEM_CODE 0x0009u

/* ntdll since NT 3.1 / XP: the status RtlNtStatusToDosError last mapped for this thread. */
NTSYSAPI NTSTATUS NTAPI RtlGetLastNtStatus(void);
/* ntdll since NT 3.1; mingw-w64's winternl.h does not declare them. */
NTSYSAPI NTSTATUS NTAPI NtReadFile(HANDLE, HANDLE, PIO_APC_ROUTINE, PVOID, PIO_STATUS_BLOCK, PVOID, ULONG, PLARGE_INTEGER, PULONG);
NTSYSAPI NTSTATUS NTAPI NtWriteFile(HANDLE, HANDLE, PIO_APC_ROUTINE, PVOID, PIO_STATUS_BLOCK, PVOID, ULONG, PLARGE_INTEGER, PULONG);

DWORD dos_error_of(DWORD status)
{
    return NT_OK(status) ? 0 : RtlNtStatusToDosError((NTSTATUS)status);
}

static HANDLE create(const wchar_t *path, DWORD access, DWORD share, DWORD disposition, DWORD flags, call_status *st)
{
    /* CreateFile maps NtCreateFile's failure with RtlNtStatusToDosError, which records the status in the
     * thread: clear it first, so a failure that never reached NtCreateFile does not show a stale one. */
    RtlNtStatusToDosError(0);
    HANDLE d = CreateFileW(path, access, share, NULL, disposition, flags, NULL);
    if (d != INVALID_HANDLE_VALUE) {
        st->e = st->s = 0;
        return d;
    }
    st->e = GetLastError();
    st->s = (DWORD)RtlGetLastNtStatus();
    return NULL;
}

HANDLE open_device(const wchar_t *device, DWORD access, call_status *st)
{
    return create(device, access, FILE_SHARE_READ | FILE_SHARE_WRITE, OPEN_EXISTING, 0, st);
}

HANDLE open_step(const plan_header *h, const step *s, call_status *st)
{
    static const DWORD DISPOSITIONS[] = {OPEN_EXISTING, CREATE_NEW, OPEN_ALWAYS, CREATE_ALWAYS, TRUNCATE_EXISTING};
    const wchar_t *device = s->device ? s->device : h->device;
    DWORD flags = s->overlapped ? FILE_FLAG_OVERLAPPED : 0;
    if (!s->path) return create(device, s->access, s->share, DISPOSITIONS[s->disposition], flags, st);
    size_t a = wcslen(device), b = wcslen(s->path);
    wchar_t *path = malloc((a + b + 1) * sizeof *path);
    if (!path) {
        st->e = ERROR_NOT_ENOUGH_MEMORY;
        st->s = 0xC0000017u; /* STATUS_NO_MEMORY */
        return NULL;
    }
    memcpy(path, device, a * sizeof *path);
    memcpy(path + a, s->path, (b + 1) * sizeof *path);
    HANDLE d = create(path, s->access, s->share, DISPOSITIONS[s->disposition], flags, st);
    free(path);
    return d;
}

call_status close_device(HANDLE h)
{
    NTSTATUS s = NtClose(h);
    call_status st = {dos_error_of((DWORD)s), (DWORD)s};
    return st;
}

unsigned char *make_input(const step *s, unsigned thread_index, int *failed)
{
    *failed = 0;
    if (s->payload == P_NULL) return NULL;
    size_t n = (size_t)s->in_len;
    unsigned char *b = malloc(n ? n : 1);
    if (!b) {
        *failed = 1;
        return NULL;
    }
    fill_pattern(b, n, s->pattern, s->pattern_len, s->payload == P_THREAD ? thread_index : 0);
    return b;
}

unsigned char *alloc_output(DWORD out_len)
{
    unsigned char *out = malloc((size_t)out_len + LAB_GUARD_BYTES);
    if (!out) return NULL;
    memset(out, 0, out_len);
    memset(out + out_len, LAB_GUARD_VALUE, LAB_GUARD_BYTES);
    return out;
}

NTSTATUS io_issue(HANDLE h, HANDLE event, IO_STATUS_BLOCK *io, int overlapped, const io_request *r)
{
    LARGE_INTEGER offset, *at = NULL;
    /* Preset, so a block that was never written reads as still pending (see io_wait). */
    io->Status = STATUS_PENDING;
    io->Information = 0;
    if (r->has_offset || overlapped) {
        offset.QuadPart = (LONGLONG)(r->has_offset ? r->offset : 0);
        at = &offset;
    }
    switch (r->kind) {
    case S_READ:
        return NtReadFile(h, event, NULL, NULL, io, r->out, r->out_len, at, NULL);
    case S_WRITE:
        return NtWriteFile(h, event, NULL, NULL, io, (void *)r->in, r->in_len, at, NULL);
    default:
        if (r->code >> 16 == FILE_DEVICE_FILE_SYSTEM_CODE)
            return NtFsControlFile(h, event, NULL, NULL, io, r->code, (void *)r->in, r->in_len, r->out, r->out_len);
        return NtDeviceIoControlFile(h, event, NULL, NULL, io, r->code, (void *)r->in, r->in_len, r->out, r->out_len);
    }
}

int io_wait(HANDLE event, IO_STATUS_BLOCK *io, DWORD timeout_ms)
{
    if (WaitForSingleObject(event, timeout_ms) != WAIT_OBJECT_0) return 0;
    /* Windows writes the block before it signals the event. Wine 8 can signal first and write the block
     * from an APC of this thread: an alertable sleep lets it run (bounded: about 1 s). */
    for (int i = 0; io->Status == STATUS_PENDING && i < 1000; i++) SleepEx(i < 10 ? 0 : 1, TRUE);
    return 1;
}

ioctl_result io_call(HANDLE h, int overlapped, const io_request *r)
{
    ioctl_result res = {0};
    LARGE_INTEGER a, z;
    IO_STATUS_BLOCK io;
    HANDLE event = NULL;
    NTSTATUS s;
    /* On an overlapped handle a request may still be pending when the call returns: it gets an event of
     * its own, since other requests of the same handle signal the handle too. */
    if (overlapped && !(event = CreateEventW(NULL, TRUE, FALSE, NULL))) {
        res.e = GetLastError();
        res.s = 0xC000009Au; /* STATUS_INSUFFICIENT_RESOURCES */
        return res;
    }
    QueryPerformanceCounter(&a);
    s = io_issue(h, event, &io, overlapped, r);
    if (s == STATUS_PENDING) {
        /* A synchronous handle rarely answers pending; wait as DeviceIoControl does. */
        if (event) io_wait(event, &io, INFINITE);
        else WaitForSingleObject(h, INFINITE);
        s = io.Status;
    }
    QueryPerformanceCounter(&z);
    if (event) CloseHandle(event);
    res.s = (DWORD)s;
    res.e = dos_error_of((DWORD)s);
    res.n = (DWORD)io.Information;
    res.us = qpc_us(a, z);
    return res;
}

ioctl_result do_ioctl(HANDLE h, DWORD code, const unsigned char *in, DWORD in_len, unsigned char *out, DWORD out_len)
{
    io_request req = {S_IOCTL, code, in, in_len, out, out_len, 0, 0};
    ioctl_result r = io_call(h, 0, &req);
    if (out) {
        for (unsigned i = 0; i < LAB_GUARD_BYTES; i++)
            if (out[(size_t)out_len + i] != LAB_GUARD_VALUE) r.guard_damaged = 1;
        if (r.guard_damaged) memset(out + out_len, LAB_GUARD_VALUE, LAB_GUARD_BYTES);
    }
    return r;
}
