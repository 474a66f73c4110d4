/*
 * One step of a case: run it and write its result. Every step runs whatever the earlier ones returned;
 * the runner records what happened and judges nothing.
 */
#include "steps.h"
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

static void run_open(const plan_header *h, const step *s, HANDLE *slots, jbuf *b)
{
    call_status st;
    if (slots[s->slot]) CloseHandle(slots[s->slot]); /* reopening a slot replaces its handle */
    slots[s->slot] = open_device(h->device, s->access, &st);
    jb_lit(b, "{\"k\":\"open\",");
    jb_status(b, st.e, st.s);
    jb_lit(b, "}");
}

static void run_close(const step *s, HANDLE *slots, jbuf *b)
{
    call_status st = {ERROR_INVALID_HANDLE, STATUS_OF_INVALID_HANDLE};
    if (slots[s->slot]) st = close_device(slots[s->slot]);
    slots[s->slot] = NULL;
    jb_lit(b, "{\"k\":\"close\",");
    jb_status(b, st.e, st.s);
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
    ioctl_result r = {ERROR_INVALID_HANDLE, STATUS_OF_INVALID_HANDLE, 0, 0, 0};
    /* A slot that was never opened (or failed to open) is not passed to Windows as some other handle. */
    if (slots[s->slot]) r = do_ioctl(slots[s->slot], s->code, in, (DWORD)s->in_len, out, (DWORD)s->out_len);
    size_t shown = r.n < s->out_len ? r.n : (size_t)s->out_len;
    int cut = shown > LAB_OUT_CAP;
    if (cut) shown = LAB_OUT_CAP;
    jb_lit(b, "{\"k\":\"ioctl\",");
    jb_status(b, r.e, r.s);
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
    driver_log_release();
    DWORD e = s->kind == S_LOAD ? svc_load(s->service, h->image) : svc_unload(s->service);
    jb_lit(b, s->kind == S_LOAD ? "{\"k\":\"load\",\"service\":" : "{\"k\":\"unload\",\"service\":");
    jb_cstr(b, s->service);
    jb_lit(b, ",");
    jb_win32(b, e);
    jb_lit(b, "}");
}

void run_step(const plan_header *h, const step *s, HANDLE *slots, jbuf *b)
{
    switch (s->kind) {
    case S_OPEN:
        run_open(h, s, slots, b);
        break;
    case S_CLOSE:
        run_close(s, slots, b);
        break;
    case S_IOCTL:
        run_ioctl(s, slots, b);
        break;
    case S_PAR:
        run_par(h, s, slots, b);
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
