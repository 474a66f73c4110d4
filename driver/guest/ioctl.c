#include "ioctl.h"
#include "clock.h"

#include <stdlib.h>
#include <string.h>

HANDLE open_device(const wchar_t *device, DWORD access, DWORD *e)
{
    HANDLE d = CreateFileW(device, access, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
    *e = d == INVALID_HANDLE_VALUE ? GetLastError() : 0;
    return d == INVALID_HANDLE_VALUE ? NULL : d;
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
    DWORD n = 0;
    QueryPerformanceCounter(&a);
    BOOL ok = DeviceIoControl(h, code, (void *)in, in_len, out, out_len, &n, NULL);
    QueryPerformanceCounter(&z);
    r.e = ok ? 0 : GetLastError();
    r.n = n;
    r.us = qpc_us(a, z);
    if (out) {
        for (unsigned i = 0; i < LAB_GUARD_BYTES; i++)
            if (out[(size_t)out_len + i] != LAB_GUARD_VALUE) r.guard_damaged = 1;
        if (r.guard_damaged) memset(out + out_len, LAB_GUARD_VALUE, LAB_GUARD_BYTES);
    }
    return r;
}
