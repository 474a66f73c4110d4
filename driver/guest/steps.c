/*
 * One step of a case: run it and write its result. Every step runs whatever the earlier ones returned;
 * the runner records what happened and judges nothing.
 */
#include "steps.h"
#include "buffers.h"
#include "driver-log.h"
#include "exec.h"
#include "ioctl.h"
#include "par.h"
#include "service.h"

#include <stdio.h>
#include <stdlib.h>

/* "e":n,"s":n: the Win32 error and the NTSTATUS of a call. */
static void jb_status(jbuf *b, DWORD e, DWORD s)
{
    jb_lit(b, "\"e\":");
    jb_u64(b, e);
    jb_lit(b, ",\"s\":");
    jb_u64(b, s);
}

static void run_open(const plan_header *h, const step *s, case_state *cs, jbuf *b)
{
    call_status st;
    if (cs->slots[s->slot]) CloseHandle(cs->slots[s->slot]); /* reopening a slot replaces its handle */
    cs->slots[s->slot] = open_step(h, s, &st);
    cs->overlapped[s->slot] = cs->slots[s->slot] && s->overlapped;
    jb_lit(b, "{\"k\":\"open\",");
    jb_status(b, st.e, st.s);
    jb_lit(b, "}");
}

static void run_close(const step *s, case_state *cs, jbuf *b)
{
    call_status st = {ERROR_INVALID_HANDLE, STATUS_OF_INVALID_HANDLE};
    if (cs->slots[s->slot]) st = close_device(cs->slots[s->slot]);
    cs->slots[s->slot] = NULL;
    cs->overlapped[s->slot] = 0;
    jb_lit(b, "{\"k\":\"close\",");
    jb_status(b, st.e, st.s);
    jb_lit(b, "}");
}

/*
 * ioctl, read and write: the buffers where the step's pointer kinds put them, one request, its result.
 * The output buffer starts as the step's fill (zeros without one) and is followed by guard bytes where
 * its kind leaves room; an output length of 0 on the heap is a NULL pointer.
 */
static void run_transfer(const step *s, case_state *cs, jbuf *b)
{
    const char *kind = step_kind_name(s->kind);
    size_t in_len = s->kind == S_READ ? 0 : (size_t)s->in_len, out_len = s->kind == S_WRITE ? 0 : (size_t)s->out_len;
    xbuf in = {0}, out = {0};
    char why[96];
    if (s->refused[0]) {
        jb_refused(b, kind, s->refused);
        return;
    }
    int in_ok = s->kind == S_READ || s->payload == P_NULL || xbuf_make(&in, s->in_ptr, in_len, s->pattern, s->pattern_len, 0);
    int out_ok = s->kind == S_WRITE || (out_len == 0 && s->out_ptr == PTR_HEAP) ||
                 xbuf_make(&out, s->out_ptr, out_len, s->fill, s->fill_len, 1);
    if (!in_ok || !out_ok) {
        snprintf(why, sizeof why, "no memory for %s %llu", !in_ok ? "inLen" : "outLen", (unsigned long long)(!in_ok ? in_len : out_len));
        jb_refused(b, kind, why);
        xbuf_free(&in);
        xbuf_free(&out);
        return;
    }
    if (s->async != NO_ASYNC) {
        async_start(cs, s, &in, &out, b);
        return;
    }
    ioctl_result r = {ERROR_INVALID_HANDLE, STATUS_OF_INVALID_HANDLE, 0, 0, 0};
    io_request req = {s->kind, s->code, in.ptr, (DWORD)in_len, out.ptr, (DWORD)out_len, s->has_offset, s->offset};
    /* A slot that was never opened (or failed to open) is not passed to Windows as some other handle. */
    if (cs->slots[s->slot]) r = io_call(cs->slots[s->slot], cs->overlapped[s->slot], &req);
    jb_lit(b, "{\"k\":\"");
    jb_lit(b, kind);
    jb_lit(b, "\",");
    jb_io_fields(b, r.e, r.s, r.n, r.us, &out, (DWORD)out_len, xbuf_guard_damaged(&out));
    jb_lit(b, "}");
    xbuf_free(&in);
    xbuf_free(&out);
}

static void run_service_step(const plan_header *h, const step *s, jbuf *b)
{
    driver_log_release();
    DWORD e = s->kind == S_LOAD ? svc_load(s->service, s->image ? s->image : h->image) : svc_unload(s->service);
    jb_lit(b, s->kind == S_LOAD ? "{\"k\":\"load\",\"service\":" : "{\"k\":\"unload\",\"service\":");
    jb_cstr(b, s->service);
    jb_lit(b, ",");
    jb_win32(b, e);
    jb_lit(b, "}");
}

void run_step(const plan_header *h, const step *s, case_state *cs, jbuf *b)
{
    switch (s->kind) {
    case S_OPEN:
        run_open(h, s, cs, b);
        break;
    case S_CLOSE:
        run_close(s, cs, b);
        break;
    case S_IOCTL:
    case S_READ:
    case S_WRITE:
        run_transfer(s, cs, b);
        break;
    case S_WAIT:
        async_wait(cs, s, b);
        break;
    case S_CANCEL:
        async_cancel(cs, s, b);
        break;
    case S_PAR:
        run_par(h, s, cs->slots, b);
        break;
    case S_EXEC:
        run_exec(h, s, b);
        break;
    case S_LOAD:
    case S_UNLOAD:
        run_service_step(h, s, b);
        break;
    case S_SLEEP:
        Sleep(s->ms);
        jb_lit(b, "{\"k\":\"sleep\"}");
        break;
    case S_KIND_COUNT:
        break;
    }
}
