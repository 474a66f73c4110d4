#include "ioctl.h"
#include "clock.h"

#include <winternl.h>
#include <stdlib.h>
#include <string.h>

#define NT_OK(s) ((LONG)(s) >= 0)
#define FILE_DEVICE_FILE_SYSTEM_CODE 0x0009u

/* ntdll since NT 3.1 / XP: the status RtlNtStatusToDosError last mapped for this thread. */
NTSYSAPI NTSTATUS NTAPI RtlGetLastNtStatus(void);

static DWORD dos_error(NTSTATUS s)
{
    return NT_OK(s) ? 0 : RtlNtStatusToDosError(s);
}

HANDLE open_device(const wchar_t *device, DWORD access, call_status *st)
{
    /* CreateFile maps NtCreateFile's failure with RtlNtStatusToDosError, which records the status in the
     * thread: clear it first, so a failure that never reached NtCreateFile does not show a stale one. */
    RtlNtStatusToDosError(0);
    HANDLE d = CreateFileW(device, access, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
    if (d != INVALID_HANDLE_VALUE) {
        st->e = st->s = 0;
        return d;
    }
    st->e = GetLastError();
    st->s = (DWORD)RtlGetLastNtStatus();
    return NULL;
}

call_status close_device(HANDLE h)
{
    NTSTATUS s = NtClose(h);
    call_status st = {dos_error(s), (DWORD)s};
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
    if (s->pattern_len == 0 || n == 0) {
        memset(b, 0, n);
    } else {
        /* Repeat the pattern by doubling: 16 MiB is filled in a few dozen copies. */
        size_t have = s->pattern_len < n ? s->pattern_len : n;
        memcpy(b, s->pattern, have);
        while (have < n) {
            size_t more = have < n - have ? have : n - have;
            memcpy(b + have, b, more);
            have += more;
        }
    }
    if (s->payload == P_THREAD && thread_index)
        for (size_t i = 0; i < n; i++) b[i] = (unsigned char)(b[i] + thread_index);
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

ioctl_result do_ioctl(HANDLE h, DWORD code, const unsigned char *in, DWORD in_len, unsigned char *out, DWORD out_len)
{
    ioctl_result r = {0};
    LARGE_INTEGER a, z;
    IO_STATUS_BLOCK io;
    NTSTATUS s;
    memset(&io, 0, sizeof io);
    QueryPerformanceCounter(&a);
    if (code >> 16 == FILE_DEVICE_FILE_SYSTEM_CODE)
        s = NtFsControlFile(h, NULL, NULL, NULL, &io, code, (void *)in, in_len, out, out_len);
    else
        s = NtDeviceIoControlFile(h, NULL, NULL, NULL, &io, code, (void *)in, in_len, out, out_len);
    if (s == STATUS_PENDING) {
        /* Handles are opened synchronous, so this is rare: wait as DeviceIoControl does. */
        WaitForSingleObject(h, INFINITE);
        s = io.Status;
    }
    QueryPerformanceCounter(&z);
    r.s = (DWORD)s;
    r.e = dos_error(s);
    r.n = (DWORD)io.Information;
    r.us = qpc_us(a, z);
    if (out) {
        for (unsigned i = 0; i < LAB_GUARD_BYTES; i++)
            if (out[(size_t)out_len + i] != LAB_GUARD_VALUE) r.guard_damaged = 1;
        if (r.guard_damaged) memset(out + out_len, LAB_GUARD_VALUE, LAB_GUARD_BYTES);
    }
    return r;
}
