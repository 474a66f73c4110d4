/*
 * ioctl-loop.exe <device> <service> <image> <calls-file>: the yardstick `npm run bench -- fuzz` holds
 * `lab fuzz` to. A hand-written client doing the same calls a fuzz run made, as tightly as plain Win32 allows:
 * it loads the driver, reads the whole call list first, then opens, closes and calls DeviceIoControl in a
 * loop with one input and one output buffer reused, and unloads. It prints one line:
 * `calls <n> us <microseconds of the loop> opened <n> failed-opens <n> ioctls <n>` (the last three say
 * the calls really reached the driver). Never shipped; built by `make -C driver bench`.
 *
 * The calls file has the plan's words (driver/guest/PROTOCOL.md): `open <slot> <rw|r|w|none>`,
 * `close <slot>`, `ioctl <slot> <code> <inLen> <outLen> <-|x:hex> [fill=<hex>]` (the output buffer's bytes
 * before the call, zeros without one, as the guest runner makes it).
 */
#include "../guest/buffers.h"
#include "../guest/service.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 16

typedef struct {
    char kind; /* 'o' open, 'c' close, 'i' ioctl */
    unsigned slot;
    DWORD access, code, in_len, out_len;
    int null_input;
    unsigned char *pattern, *fill;
    size_t pattern_len, fill_len;
} call;

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static unsigned char *unhex(const char *hex, size_t *len)
{
    size_t n = strlen(hex) / 2;
    unsigned char *b = malloc(n ? n : 1);
    for (size_t i = 0; i < n; i++) b[i] = (unsigned char)(hexval(hex[2 * i]) << 4 | hexval(hex[2 * i + 1]));
    *len = n;
    return b;
}

static int parse(char *line, call *c)
{
    char kind[8], word[8], payload[8192 * 2 + 4];
    unsigned long code, in_len, out_len;
    memset(c, 0, sizeof *c);
    if (sscanf(line, "open %u %7s", &c->slot, word) == 2) {
        c->kind = 'o';
        c->access = !strcmp(word, "rw") ? GENERIC_READ | GENERIC_WRITE : !strcmp(word, "r") ? GENERIC_READ : !strcmp(word, "w") ? GENERIC_WRITE : 0;
        return c->slot < SLOTS;
    }
    if (sscanf(line, "close %u", &c->slot) == 1) {
        c->kind = 'c';
        return c->slot < SLOTS;
    }
    if (sscanf(line, "%7s %u %lx %lu %lu %16387s", kind, &c->slot, &code, &in_len, &out_len, payload) != 6 || strcmp(kind, "ioctl") || c->slot >= SLOTS) return 0;
    c->kind = 'i';
    c->code = (DWORD)code;
    c->in_len = (DWORD)in_len;
    c->out_len = (DWORD)out_len;
    if (!strcmp(payload, "-")) {
        c->null_input = 1;
        return 1;
    }
    if (strncmp(payload, "x:", 2)) return 0;
    c->pattern = unhex(payload + 2, &c->pattern_len);
    const char *fill = strstr(line, " fill=");
    if (fill) {
        char word[64];
        if (sscanf(fill, " fill=%63s", word) != 1) return 0;
        c->fill = unhex(word, &c->fill_len);
    }
    return 1;
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: ioctl-loop.exe <device> <service> <image> <calls-file>\n");
        return 2;
    }
    wchar_t device[512], image[1024];
    MultiByteToWideChar(CP_UTF8, 0, argv[1], -1, device, 512);
    MultiByteToWideChar(CP_UTF8, 0, argv[3], -1, image, 1024);
    FILE *f = fopen(argv[4], "rb");
    if (!f) {
        fprintf(stderr, "cannot open %s\n", argv[4]);
        return 2;
    }
    size_t n = 0, cap = 1024;
    call *calls = malloc(cap * sizeof *calls);
    DWORD max_in = 1, max_out = 1;
    static char line[8192 * 2 + 64];
    while (fgets(line, sizeof line, f)) {
        if (n == cap) calls = realloc(calls, (cap *= 2) * sizeof *calls);
        if (!parse(line, &calls[n])) continue;
        if (calls[n].in_len > max_in) max_in = calls[n].in_len;
        if (calls[n].out_len > max_out) max_out = calls[n].out_len;
        n++;
    }
    fclose(f);
    unsigned char *in = malloc(max_in), *out = malloc(max_out);
    DWORD e = svc_load(argv[2], image);
    if (e) {
        fprintf(stderr, "loading the driver failed: %lu\n", (unsigned long)e);
        return 3;
    }
    HANDLE slots[SLOTS] = {0};
    unsigned long opened = 0, failed_opens = 0, ioctls = 0;
    LARGE_INTEGER hz, a, z;
    QueryPerformanceFrequency(&hz);
    QueryPerformanceCounter(&a);
    for (size_t i = 0; i < n; i++) {
        const call *c = &calls[i];
        DWORD got;
        if (c->kind == 'o') {
            if (slots[c->slot]) CloseHandle(slots[c->slot]);
            HANDLE h = CreateFileW(device, c->access, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
            slots[c->slot] = h == INVALID_HANDLE_VALUE ? NULL : h;
            if (slots[c->slot]) opened++;
            else failed_opens++;
        } else if (c->kind == 'c') {
            if (slots[c->slot]) CloseHandle(slots[c->slot]);
            slots[c->slot] = NULL;
        } else if (slots[c->slot]) {
            /* The guest runner's own filling (driver/guest/buffers.c), so both fill alike. */
            if (!c->null_input) fill_pattern(in, c->in_len, c->pattern, c->pattern_len, 0);
            if (c->out_len) fill_pattern(out, c->out_len, c->fill, c->fill_len, 0);
            DeviceIoControl(slots[c->slot], c->code, c->null_input ? NULL : in, c->in_len, c->out_len ? out : NULL, c->out_len, &got, NULL);
            ioctls++;
        }
    }
    QueryPerformanceCounter(&z);
    for (unsigned s = 0; s < SLOTS; s++)
        if (slots[s]) CloseHandle(slots[s]);
    svc_unload(argv[2]);
    printf("calls %lu us %.0f opened %lu failed-opens %lu ioctls %lu\n", (unsigned long)n, (double)(z.QuadPart - a.QuadPart) * 1e6 / (double)hz.QuadPart, opened, failed_opens, ioctls);
    fflush(stdout);
    return 0;
}
