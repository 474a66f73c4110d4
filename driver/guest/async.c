/* Asynchronous requests of a case (async.h). */
#include "async.h"
#include "clock.h"
#include "newer-api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NT_ERROR_OF(s) (((DWORD)(s) >> 30) == 3)

struct async_req {
    enum step_kind kind;
    HANDLE file;
    HANDLE event;
    IO_STATUS_BLOCK io;
    NTSTATUS returned; /* what the call returned */
    int ended;         /* the request is over: its status and information are final */
    xbuf in, out;
    DWORD out_len;
    LARGE_INTEGER started;
};

void jb_io_fields(jbuf *b, DWORD e, DWORD s, DWORD n, double us, const xbuf *out, DWORD out_len, int guard_damaged)
{
    size_t shown = n < out_len ? n : out_len;
    int cut = shown > LAB_OUT_CAP;
    if (cut) shown = LAB_OUT_CAP;
    /* Only the kinds the runner may read have bytes to show. */
    if (!out || !out->bytes) shown = 0;
    jb_lit(b, "\"e\":");
    jb_u64(b, e);
    jb_lit(b, ",\"s\":");
    jb_u64(b, s);
    jb_lit(b, ",\"n\":");
    jb_u64(b, n);
    jb_lit(b, ",\"us\":");
    jb_us(b, us);
    jb_lit(b, ",\"o\":");
    jb_hex(b, out ? out->bytes : NULL, shown);
    if (cut) jb_lit(b, ",\"ot\":1");
    jb_lit(b, guard_damaged ? ",\"g\":1" : ",\"g\":0");
}

/* The request's final status: the call's own when it failed at once (no block was written), else the block's. */
static DWORD final_status(const async_req *r)
{
    return r->returned != STATUS_PENDING && NT_ERROR_OF(r->returned) ? (DWORD)r->returned : (DWORD)r->io.Status;
}

static void req_free(async_req *r)
{
    if (r->event) CloseHandle(r->event);
    xbuf_free(&r->in);
    xbuf_free(&r->out);
    free(r);
}

static void jb_ended(jbuf *b, const char *kind, async_req *r, double us)
{
    DWORD s = final_status(r);
    jb_lit(b, "{\"k\":\"");
    jb_lit(b, kind);
    jb_lit(b, "\",");
    jb_io_fields(b, dos_error_of(s), s, NT_ERROR_OF(s) ? 0 : (DWORD)r->io.Information, us, &r->out, r->out_len, xbuf_guard_damaged(&r->out));
    jb_lit(b, "}");
}

void async_start(case_state *cs, const step *s, xbuf *in, xbuf *out, jbuf *b)
{
    const char *kind = step_kind_name(s->kind);
    char why[96];
    async_req *r = NULL;
    why[0] = 0;
    if (cs->async[s->async]) snprintf(why, sizeof why, "async slot %u already holds a request of this case", s->async);
    else if (!cs->slots[s->slot]) snprintf(why, sizeof why, "slot %u holds no handle", s->slot);
    else if (!cs->overlapped[s->slot]) snprintf(why, sizeof why, "slot %u was not opened overlapped", s->slot);
    else if (!(r = calloc(1, sizeof *r)) || !(r->event = CreateEventW(NULL, TRUE, FALSE, NULL))) snprintf(why, sizeof why, "out of memory");
    if (why[0]) {
        if (r) free(r);
        xbuf_free(in);
        xbuf_free(out);
        jb_refused(b, kind, why);
        return;
    }
    r->kind = s->kind;
    r->file = cs->slots[s->slot];
    r->in = *in;
    r->out = *out;
    r->out_len = s->kind == S_WRITE ? 0 : (DWORD)s->out_len;
    memset(in, 0, sizeof *in);
    memset(out, 0, sizeof *out);
    io_request req = {s->kind, s->code, r->in.ptr, s->kind == S_READ ? 0 : (DWORD)s->in_len, r->out.ptr, r->out_len, s->has_offset, s->offset};
    QueryPerformanceCounter(&r->started);
    r->returned = io_issue(r->file, r->event, &r->io, 1, &req);
    cs->async[s->async] = r;
    if (r->returned != STATUS_PENDING) {
        LARGE_INTEGER z;
        QueryPerformanceCounter(&z);
        r->ended = 1;
        jb_ended(b, kind, r, qpc_us(r->started, z));
        return;
    }
    /* As DeviceIoControl, ReadFile and WriteFile say it: ERROR_IO_PENDING. */
    jb_lit(b, "{\"k\":\"");
    jb_lit(b, kind);
    jb_lit(b, "\",");
    jb_io_fields(b, ERROR_IO_PENDING, STATUS_OF_PENDING, 0, 0, NULL, 0, 0);
    jb_lit(b, "}");
}

void async_wait(case_state *cs, const step *s, jbuf *b)
{
    async_req *r = cs->async[s->target];
    LARGE_INTEGER a, z;
    char why[64];
    if (!r) {
        snprintf(why, sizeof why, "async slot %u holds no request", s->target);
        jb_refused(b, "wait", why);
        return;
    }
    QueryPerformanceCounter(&a);
    if (!r->ended) r->ended = io_wait(r->event, &r->io, s->timeout_ms);
    QueryPerformanceCounter(&z);
    if (!r->ended) {
        /* Still pending: GetOverlappedResult's word for it. The request stays in its slot. */
        jb_lit(b, "{\"k\":\"wait\",");
        jb_io_fields(b, ERROR_IO_INCOMPLETE, STATUS_OF_PENDING, 0, qpc_us(a, z), NULL, 0, 0);
        jb_lit(b, "}");
        return;
    }
    /* It stays in its slot: a second wait says the same, a cancel now finds nothing to cancel (1168). */
    jb_ended(b, "wait", r, qpc_us(a, z));
}

/* CancelIoEx is Vista's: on NT 5.2 (ReactOS, Server 2003) CancelIo cancels every request this thread made
 * on the handle, which is every request of the case's own steps. */
static BOOL cancel_request(async_req *r, const char **via)
{
    cancel_io_ex_fn cancel_ex = api_cancel_io_ex();
    /* An OVERLAPPED begins with the IO_STATUS_BLOCK the request was issued with: that names it. */
    *via = cancel_ex ? "CancelIoEx" : "CancelIo";
    return cancel_ex ? cancel_ex(r->file, (LPOVERLAPPED)&r->io) : CancelIo(r->file);
}

void async_cancel(case_state *cs, const step *s, jbuf *b)
{
    async_req *r = cs->async[s->target];
    const char *via;
    char why[64];
    if (!r) {
        snprintf(why, sizeof why, "async slot %u holds no request", s->target);
        jb_refused(b, "cancel", why);
        return;
    }
    DWORD e = cancel_request(r, &via) ? 0 : GetLastError();
    jb_lit(b, "{\"k\":\"cancel\",\"e\":");
    jb_u64(b, e);
    jb_lit(b, ",\"via\":\"");
    jb_lit(b, via);
    jb_lit(b, "\"}");
}

void async_drain(case_state *cs, jbuf *b)
{
    DWORD start = GetTickCount();
    int listed = 0;
    for (unsigned i = 0; i < LAB_MAX_ASYNC; i++) {
        async_req *r = cs->async[i];
        const char *via;
        if (!r) continue;
        if (!r->ended) {
            DWORD spent = GetTickCount() - start;
            cancel_request(r, &via);
            r->ended = io_wait(r->event, &r->io, spent < LAB_ASYNC_DRAIN_MS ? LAB_ASYNC_DRAIN_MS - spent : 0);
        }
        cs->async[i] = NULL;
        if (r->ended) {
            req_free(r);
            continue;
        }
        /* The driver may still write into its buffers and status block: they are left to it. */
        jb_lit(b, listed ? "," : ",\"pending\":[");
        jb_u64(b, i);
        listed = 1;
    }
    if (listed) jb_lit(b, "]");
}
