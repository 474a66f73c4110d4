/*
 * lab-guest.exe <plan-file>: load the driver, run the plan's cases in order, unload, in one process
 * (a process per request is far too slow under Wine and over SSH). driver/guest/PROTOCOL.md is the spec.
 */
#include "clock.h"
#include "ioctl.h"
#include "out.h"
#include "plan.h"
#include "run-case.h"
#include "service.h"
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The plan path from the UTF-16 command line (no shell32 for CommandLineToArgvW): the first argument,
 * quoted or not; unquoted, it is the rest of the line so a path with spaces still works. */
static wchar_t *plan_path(void)
{
    const wchar_t *p = GetCommandLineW();
    if (*p == L'"') {
        p++;
        while (*p && *p != L'"') p++;
        if (*p) p++;
    } else {
        while (*p && *p != L' ' && *p != L'\t') p++;
    }
    while (*p == L' ' || *p == L'\t') p++;
    const wchar_t *start = p, *end;
    if (*p == L'"') {
        start = ++p;
        while (*p && *p != L'"') p++;
        end = p;
    } else {
        end = p + wcslen(p);
        while (end > start && (end[-1] == L' ' || end[-1] == L'\t')) end--;
    }
    if (end == start) return NULL;
    wchar_t *path = malloc(((size_t)(end - start) + 1) * sizeof *path);
    if (!path) return NULL;
    memcpy(path, start, (size_t)(end - start) * sizeof *path);
    path[end - start] = 0;
    return path;
}

/* The plan file as the reader's source. */
static int read_file(void *ctx, unsigned char *buf, size_t cap, size_t *got, DWORD *e)
{
    DWORD n = 0;
    if (!ReadFile((HANDLE)ctx, buf, (DWORD)cap, &n, NULL)) {
        *e = GetLastError();
        return 0;
    }
    *got = n;
    return 1;
}

static reader *plan_open(const wchar_t *path, DWORD *e)
{
    HANDLE h = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                           OPEN_EXISTING, FILE_FLAG_SEQUENTIAL_SCAN, NULL);
    if (h == INVALID_HANDLE_VALUE) {
        *e = GetLastError();
        return NULL;
    }
    reader *r = plan_reader(read_file, h);
    if (!r) {
        CloseHandle(h);
        *e = ERROR_NOT_ENOUGH_MEMORY;
    }
    return r;
}

static void say_hello(jbuf *b)
{
    jb_lit(b, "{\"t\":\"hello\",\"v\":1,\"pid\":");
    jb_u64(b, GetCurrentProcessId());
    jb_lit(b, ",\"qpcHz\":");
    jb_u64(b, (uint64_t)g_qpc_hz.QuadPart);
    jb_lit(b, "}");
    jb_line(b);
}

static void case_error(jbuf *b, const next_item *it)
{
    jb_lit(b, "{\"t\":\"case\",\"i\":");
    jb_i64(b, it->index);
    jb_lit(b, ",\"id\":");
    jb_cstr(b, it->id ? it->id : "");
    jb_lit(b, ",\"error\":");
    jb_cstr(b, it->error);
    jb_lit(b, ",\"line\":");
    jb_u64(b, it->line);
    jb_lit(b, "}");
    jb_line(b);
}

static DWORD load_driver(const plan_header *h, jbuf *b)
{
    LARGE_INTEGER a, z;
    QueryPerformanceCounter(&a);
    DWORD e = svc_load(h->service, h->image);
    QueryPerformanceCounter(&z);
    jb_lit(b, "{\"t\":\"load\",\"service\":");
    jb_cstr(b, h->service);
    jb_lit(b, ",");
    jb_win32(b, e);
    jb_lit(b, ",\"us\":");
    jb_us(b, qpc_us(a, z));
    jb_lit(b, "}");
    jb_line(b);
    return e;
}

static void unload_driver(const plan_header *h, jbuf *b)
{
    DWORD e = svc_unload(h->service);
    call_status after;
    HANDLE d = open_device(h->device, GENERIC_READ | GENERIC_WRITE, &after);
    if (d) CloseHandle(d);
    jb_lit(b, "{\"t\":\"unload\",\"service\":");
    jb_cstr(b, h->service);
    jb_lit(b, ",");
    jb_win32(b, e);
    jb_lit(b, ",\"openAfter\":");
    jb_u64(b, after.e);
    jb_lit(b, "}");
    jb_line(b);
}

int main(void)
{
    jbuf b = {0};
    plan_header h;
    char error[256];
    size_t line = 0;
    DWORD e = 0;
    uint64_t cases = 0;

    /* A crash of the runner (or of an exec'd child) must end it, not wait for a human at an error box. */
    SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX | SEM_NOOPENFILEERRORBOX);
    out_init();
    clock_init();
    say_hello(&b);

    wchar_t *path = plan_path();
    if (!path) {
        out_plan_error("usage: lab-guest.exe <plan-file>", 0);
        return 2;
    }
    reader *r = plan_open(path, &e);
    if (!r) {
        char *m = win32_message(e);
        snprintf(error, sizeof error, "cannot open the plan file: %lu %s", (unsigned long)e, m ? m : "");
        free(m);
        out_plan_error(error, 0);
        return 2;
    }
    if (plan_header_read(r, &h, error, sizeof error, &line) < 0) {
        out_plan_error(error, line);
        return 2;
    }
    if (h.service && load_driver(&h, &b) != 0) return 3;
    driver_state d = {h.service != NULL, ""};

    for (;;) {
        next_item it;
        plan_next(r, &h, &it);
        if (it.kind == NEXT_EOF) break;
        if (it.kind == NEXT_CASE) {
            run_case(&h, &it.c, &d, &b);
            cases++;
        } else {
            case_error(&b, &it);
            if (it.counts_as_case) cases++;
        }
        item_free(&it);
    }

    if (h.service) unload_driver(&h, &b);
    jb_lit(&b, "{\"t\":\"end\",\"cases\":");
    jb_u64(&b, cases);
    jb_lit(&b, "}");
    jb_line(&b);
    return 0;
}
