/* The buffers of a step for every pointer kind (buffers.h). */
#include "buffers.h"

#include <stdlib.h>
#include <string.h>

void fill_pattern(unsigned char *dst, size_t n, const unsigned char *pattern, size_t pattern_len, unsigned add)
{
    if (pattern_len == 0 || n == 0) {
        memset(dst, 0, n);
    } else {
        /* Repeat by doubling: 16 MiB is filled in a few dozen copies. */
        size_t have = pattern_len < n ? pattern_len : n;
        memcpy(dst, pattern, have);
        while (have < n) {
            size_t more = have < n - have ? have : n - have;
            memcpy(dst + have, dst, more);
            have += more;
        }
    }
    if (add)
        for (size_t i = 0; i < n; i++) dst[i] = (unsigned char)(dst[i] + add);
}

static size_t page_size(void)
{
    static size_t size;
    if (!size) {
        SYSTEM_INFO si;
        GetSystemInfo(&si);
        size = si.dwPageSize ? si.dwPageSize : 4096;
    }
    return size;
}

static size_t pages_for(size_t n)
{
    size_t p = page_size();
    return n == 0 ? p : (n + p - 1) / p * p;
}

/* An address of kernel space, which user mode can name but never use. */
static unsigned char *kernel_address(void)
{
#ifdef _WIN64
    return (unsigned char *)(uintptr_t)0xFFFF800000000000ull;
#else
    /* The first address past user space: 2 GiB, or 3 GiB when the machine gives user mode more. */
    SYSTEM_INFO si;
    GetSystemInfo(&si);
    return (unsigned char *)(uintptr_t)((uintptr_t)si.lpMaximumApplicationAddress < 0x80000000u ? 0x80000000u : 0xC0000000u);
#endif
}

static void set_guard(xbuf *b)
{
    memset(b->bytes + b->len, LAB_GUARD_VALUE, LAB_GUARD_BYTES);
    b->guarded = 1;
}

int xbuf_make(xbuf *b, enum ptr_kind kind, size_t len, const unsigned char *pattern, size_t pattern_len, int guard)
{
    size_t extra = guard ? LAB_GUARD_BYTES : 0;
    memset(b, 0, sizeof *b);
    b->len = len;
    switch (kind) {
    case PTR_HEAP:
    case PTR_UNALIGNED: {
        size_t skew = kind == PTR_UNALIGNED; /* malloc's blocks are aligned: one byte in is odd */
        size_t size = len + extra + skew;
        if (!(b->heap = malloc(size ? size : 1))) return 0;
        b->ptr = b->bytes = (unsigned char *)b->heap + skew;
        break;
    }
    case PTR_READONLY:
    case PTR_PAGEEND: {
        /* pageend: the buffer's last byte is the last of a committed page; the page after it is only
         * reserved, so one byte more faults. */
        size_t committed = pages_for(len + (kind == PTR_READONLY ? extra : 0));
        size_t reserved = committed + (kind == PTR_PAGEEND ? page_size() : 0);
        if (!(b->region = VirtualAlloc(NULL, reserved, MEM_RESERVE, PAGE_NOACCESS))) return 0;
        if (!VirtualAlloc(b->region, committed, MEM_COMMIT, PAGE_READWRITE)) {
            xbuf_free(b);
            return 0;
        }
        b->bytes = (unsigned char *)b->region + (kind == PTR_PAGEEND ? committed - len : 0);
        b->ptr = b->bytes;
        break;
    }
    case PTR_INVALID:
    case PTR_NOACCESS:
        /* invalid: reserved, never committed (as if freed); noaccess: committed, PAGE_NOACCESS. */
        b->region = VirtualAlloc(NULL, pages_for(len), kind == PTR_INVALID ? MEM_RESERVE : MEM_RESERVE | MEM_COMMIT, PAGE_NOACCESS);
        if (!b->region) return 0;
        b->ptr = b->region;
        return 1;
    case PTR_KERNEL:
        b->ptr = kernel_address();
        return 1;
    case PTR_NULL:
    case PTR_KIND_COUNT:
        return 1;
    }
    fill_pattern(b->bytes, len, pattern, pattern_len, 0);
    if (guard && kind != PTR_PAGEEND) set_guard(b);
    if (kind == PTR_READONLY) {
        DWORD old;
        if (!VirtualProtect(b->region, pages_for(len + extra), PAGE_READONLY, &old)) {
            xbuf_free(b);
            return 0;
        }
    }
    return 1;
}

int xbuf_guard_damaged(xbuf *b)
{
    int damaged = 0;
    if (!b->guarded) return 0;
    for (unsigned i = 0; i < LAB_GUARD_BYTES; i++)
        if (b->bytes[b->len + i] != LAB_GUARD_VALUE) damaged = 1;
    /* A read-only buffer cannot have been written; the others get their guard back for the next call. */
    if (damaged && !b->region) memset(b->bytes + b->len, LAB_GUARD_VALUE, LAB_GUARD_BYTES);
    return damaged;
}

void xbuf_free(xbuf *b)
{
    free(b->heap);
    if (b->region) VirtualFree(b->region, 0, MEM_RELEASE);
    memset(b, 0, sizeof *b);
}
