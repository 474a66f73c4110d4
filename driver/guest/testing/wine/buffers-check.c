/*
 * buffers-check.exe: the runner's buffers (buffers.c) checked from the inside, under Wine. Built with
 * mingw-w64 from the very same buffers.c (driver/guest/buffers.wine.test.ts builds and runs it), it makes
 * a buffer of every pointer kind and asks Windows what the pointer is: its state and protection
 * (VirtualQuery), its alignment, where it ends. One line per fact, "name value", for the test to read.
 */
#include "../../buffers.h"

#include <stdio.h>
#include <string.h>

static void say(const char *kind, const char *what, unsigned long long value)
{
    printf("%s %s %llu\n", kind, what, value);
}

static void query(const char *kind, const char *what, const void *p)
{
    MEMORY_BASIC_INFORMATION mbi;
    if (!VirtualQuery(p, &mbi, sizeof mbi)) {
        say(kind, what, 0);
        return;
    }
    printf("%s %s state=%s protect=0x%lx\n", kind, what,
           mbi.State == MEM_COMMIT ? "commit" : mbi.State == MEM_RESERVE ? "reserve" : "free", (unsigned long)mbi.Protect);
}

int main(void)
{
    static const char *names[PTR_KIND_COUNT] = {"heap", "null", "invalid", "kernel", "unaligned", "readonly", "noaccess", "pageend"};
    const unsigned char pattern[] = {'a', 'b'};
    SYSTEM_INFO si;
    GetSystemInfo(&si);
    for (int k = 0; k < PTR_KIND_COUNT; k++) {
        for (size_t len = 0; len <= 5000; len += 4995) {
            xbuf b;
            char kind[32];
            snprintf(kind, sizeof kind, "%s/%u", names[k], (unsigned)len);
            if (!xbuf_make(&b, (enum ptr_kind)k, len, pattern, sizeof pattern, 1)) {
                say(kind, "made", 0);
                continue;
            }
            say(kind, "made", 1);
            say(kind, "null", b.ptr == NULL);
            say(kind, "readable", b.bytes != NULL);
            say(kind, "odd", ((uintptr_t)b.ptr & 1) != 0);
            say(kind, "user", b.ptr && (uintptr_t)b.ptr <= (uintptr_t)si.lpMaximumApplicationAddress);
            say(kind, "ends-on-page", b.ptr && ((uintptr_t)b.ptr + len) % si.dwPageSize == 0);
            if (b.ptr && (uintptr_t)b.ptr <= (uintptr_t)si.lpMaximumApplicationAddress) {
                query(kind, "start", b.ptr);
                query(kind, "after", b.ptr + len);
            }
            if (b.bytes) {
                say(kind, "filled", len < 5 || memcmp(b.bytes, "ababa", 5) == 0);
                say(kind, "guarded", b.guarded);
                if (b.guarded && k == PTR_HEAP) {
                    say(kind, "guard-intact", !xbuf_guard_damaged(&b));
                    b.bytes[len] = 0;
                    say(kind, "guard-damage-seen", xbuf_guard_damaged(&b));
                    say(kind, "guard-set-again", !xbuf_guard_damaged(&b));
                }
            }
            xbuf_free(&b);
        }
    }
    printf("done\n");
    return 0;
}
