/*
 * Running one case: markers, log offsets, and the steps in order. Every step runs whatever the earlier
 * ones returned; the runner records what happened and judges nothing.
 */
#include "guest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

LARGE_INTEGER g_qpc_hz;

double qpc_us(LARGE_INTEGER from, LARGE_INTEGER to)
{
    return (double)(to.QuadPart - from.QuadPart) * 1e6 / (double)g_qpc_hz.QuadPart;
}

/* The log file's size, -1 when it does not exist. Opened for attributes only with full sharing: that
 * never conflicts with the driver's own handle, and unlike the directory entry the size is current.
 * The handle is kept for the runner's life: opening the file twice a case, while the driver host holds
 * it, cost about half a millisecond a time under Wine. One plan has one log path. */
static int64_t log_size(const wchar_t *path)
{
    static HANDLE h = INVALID_HANDLE_VALUE;
    LARGE_INTEGER size;
    WIN32_FILE_ATTRIBUTE_DATA d;
    if (h == INVALID_HANDLE_VALUE)
        h = CreateFileW(path, FILE_READ_ATTRIBUTES, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                        OPEN_EXISTING, 0, NULL);
    if (h != INVALID_HANDLE_VALUE && GetFileSizeEx(h, &size)) return size.QuadPart;
    if (GetFileAttributesExW(path, GetFileExInfoStandard, &d))
        return (int64_t)((uint64_t)d.nFileSizeHigh << 32 | d.nFileSizeLow);
    return -1;
}

/*
 * OutputDebugString reaches DbgView on Windows, but costs about 110 us a call under Wine. There the
 * runner's stderr is the very pipe the debug stream flows through, in the order things happen, so the
 * host asks for `markers stderr` and gets the same lines for the price of a write.
 */
static void marker(const plan_header *h, const char *what, const lab_case *c)
{
    size_t n = strlen(c->id) + 64;
    char *s = malloc(n);
    if (!s) return;
    if (h->markers_on_stderr) {
        /* DbgView's form of a user-mode line, "[pid] text", so the host needs no second format. */
        DWORD done;
        int len = snprintf(s, n, "[%lu] lab: %s %lld %s\n", GetCurrentProcessId(), what, (long long)c->index, c->id);
        WriteFile(GetStdHandle(STD_ERROR_HANDLE), s, (DWORD)len, &done, NULL);
    } else {
        snprintf(s, n, "lab: %s %lld %s\n", what, (long long)c->index, c->id);
        OutputDebugStringA(s);
    }
    free(s);
}

HANDLE open_device(const plan_header *h, DWORD access, DWORD *e)
{
    HANDLE d = CreateFileW(h->device, access, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
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
        if (r.guard_damaged) memset(out + out_len, LAB_GUARD_VALUE, LAB_GUARD_BYTES); /* ready for the next call */
    }
    return r;
}

void jb_refused(jbuf *b, const char *kind, const char *why)
{
    jb_lit(b, "{\"k\":\"");
    jb_lit(b, kind);
    jb_lit(b, "\",\"e\":null,\"error\":");
    jb_cstr(b, why);
    jb_lit(b, "}");
}

static void run_ioctl(const step *s, HANDLE *slots, jbuf *b)
{
    int failed;
    char why[96];
    if (s->refused[0]) {
        jb_refused(b, "ioctl", s->refused);
        return;
    }
    unsigned char *in = make_input(s, 0, &failed);
    unsigned char *out = NULL;
    if (!failed && s->out_len && !(out = alloc_output((DWORD)s->out_len))) failed = 2;
    if (failed) {
        snprintf(why, sizeof why, "no memory for %s %llu", failed == 1 ? "inLen" : "outLen",
                 (unsigned long long)(failed == 1 ? s->in_len : s->out_len));
        jb_refused(b, "ioctl", why);
        free(in);
        return;
    }
    ioctl_result r = {ERROR_INVALID_HANDLE, 0, 0, 0};
    /* A slot that was never opened (or failed to open) is not passed to Windows as some other handle. */
    if (slots[s->slot]) r = do_ioctl(slots[s->slot], s->code, in, (DWORD)s->in_len, out, (DWORD)s->out_len);
    size_t shown = r.n < s->out_len ? r.n : (size_t)s->out_len;
    int cut = shown > LAB_OUT_CAP;
    if (cut) shown = LAB_OUT_CAP;
    jb_lit(b, "{\"k\":\"ioctl\",\"e\":");
    jb_u64(b, r.e);
    jb_lit(b, ",\"n\":");
    jb_u64(b, r.n);
    jb_lit(b, ",\"us\":");
    jb_us(b, r.us);
    jb_lit(b, ",\"o\":");
    jb_hex(b, out, out ? shown : 0);
    if (cut) jb_lit(b, ",\"ot\":1");
    jb_lit(b, r.guard_damaged ? ",\"g\":1}" : ",\"g\":0}");
    free(in);
    free(out);
}

static void run_service_step(const plan_header *h, const step *s, jbuf *b)
{
    DWORD e = s->kind == S_LOAD ? svc_load(s->service, h->image) : svc_unload(s->service);
    jb_lit(b, s->kind == S_LOAD ? "{\"k\":\"load\",\"service\":" : "{\"k\":\"unload\",\"service\":");
    jb_cstr(b, s->service);
    jb_lit(b, ",");
    jb_win32(b, e);
    jb_lit(b, "}");
}

static void run_step(const plan_header *h, const step *s, HANDLE *slots, jbuf *b)
{
    DWORD e;
    switch (s->kind) {
    case S_OPEN:
        if (slots[s->slot]) CloseHandle(slots[s->slot]); /* reopening a slot replaces its handle */
        slots[s->slot] = open_device(h, s->access, &e);
        jb_lit(b, "{\"k\":\"open\",\"e\":");
        jb_u64(b, e);
        jb_lit(b, "}");
        break;
    case S_CLOSE:
        e = ERROR_INVALID_HANDLE;
        if (slots[s->slot]) e = CloseHandle(slots[s->slot]) ? 0 : GetLastError();
        slots[s->slot] = NULL;
        jb_lit(b, "{\"k\":\"close\",\"e\":");
        jb_u64(b, e);
        jb_lit(b, "}");
        break;
    case S_IOCTL:
        run_ioctl(s, slots, b);
        break;
    case S_PAR:
        run_par(h, s, slots, b);
        break;
    case S_EXEC:
        run_exec(s, b);
        break;
    case S_LOAD:
    case S_UNLOAD:
        run_service_step(h, s, b);
        break;
    case S_SLEEP:
        Sleep(s->ms);
        jb_lit(b, "{\"k\":\"sleep\"}");
        break;
    }
}

static void jb_case_head(jbuf *b, const char *t, const lab_case *c)
{
    jb_lit(b, "{\"t\":\"");
    jb_lit(b, t);
    jb_lit(b, "\",\"i\":");
    jb_i64(b, c->index);
    jb_lit(b, ",\"id\":");
    jb_cstr(b, c->id);
}

void run_case(const plan_header *h, lab_case *c, jbuf *b)
{
    HANDLE slots[LAB_MAX_SLOTS] = {0};
    int64_t log0 = h->log ? log_size(h->log) : 0;
    LARGE_INTEGER a, z;

    marker(h, "case-begin", c);
    jb_case_head(b, "begin", c);
    jb_lit(b, "}");
    jb_line(b);

    QueryPerformanceCounter(&a);
    jb_case_head(b, "case", c);
    jb_lit(b, ",\"steps\":[");
    for (size_t i = 0; i < c->nsteps; i++) {
        if (i) jb_lit(b, ",");
        run_step(h, &c->steps[i], slots, b);
        jb_chunk(b);
    }
    for (unsigned i = 0; i < LAB_MAX_SLOTS; i++)
        if (slots[i]) CloseHandle(slots[i]);
    QueryPerformanceCounter(&z);

    jb_lit(b, "],\"us\":");
    jb_us(b, qpc_us(a, z));
    if (h->log) {
        jb_lit(b, ",\"log\":[");
        jb_i64(b, log0);
        jb_lit(b, ",");
        jb_i64(b, log_size(h->log));
        jb_lit(b, "]}");
    } else {
        jb_lit(b, ",\"log\":null}");
    }
    marker(h, "case-end", c);
    if (b->oom) {
        /* The steps ran; only their record did not fit in memory. Say so on a line of its own. */
        jb_discard(b);
        jb_case_head(b, "case", c);
        jb_lit(b, ",\"error\":\"out of memory while writing the case's results\",\"line\":");
        jb_u64(b, c->line);
        jb_lit(b, "}");
    }
    jb_line(b);
}
