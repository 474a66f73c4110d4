/*
 * One case: its begin marker and line, its steps in order, its result line and end marker, and the driver
 * log's size at both ends so the host can slice the log per case. A case starts on a fresh load of the
 * driver when it asks for one (`fresh`), or when the case before it left the device gone: one case must
 * not fail the next.
 */
#include "run-case.h"
#include "clock.h"
#include "driver-log.h"
#include "ioctl.h"
#include "service.h"
#include "steps.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * OutputDebugString reaches DbgView on Windows, but costs about 110 us a call under Wine. There the
 * runner's stderr is the very pipe the debug stream flows through, in the order things happen, so the
 * host asks for `markers stderr` and gets the same lines for the price of a write.
 */
static void marker(const plan_header *h, const char *what, const lab_case *c)
{
    /* On the stack: ids are at most LAB_MAX_ID bytes, and a marker must never be lost to a failed malloc. */
    char s[LAB_MAX_ID + 96];
    if (h->markers_on_stderr) {
        /* DbgView's form of a user-mode line, "[pid] text", so the host needs no second format. */
        DWORD done;
        int len = snprintf(s, sizeof s, "[%lu] lab: %s %lld %s\n", GetCurrentProcessId(), what, (long long)c->index, c->id);
        WriteFile(GetStdHandle(STD_ERROR_HANDLE), s, (DWORD)len, &done, NULL);
    } else {
        snprintf(s, sizeof s, "lab: %s %lld %s\n", what, (long long)c->index, c->id);
        OutputDebugStringA(s);
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

/* Why the case needs the driver loaded again, or NULL. *open_e is the probe's error for "device-gone". */
static const char *needs_fresh_load(const plan_header *h, const lab_case *c, const driver_state *d, DWORD *open_e)
{
    *open_e = 0;
    if (!h->service) return NULL;
    if (c->fresh) return "asked";
    if (d->just_loaded) return NULL;
    /* An open with no access rights and a close: the cheapest question the device itself answers (about
     * 50 us under Wine). Asked before the begin marker, so what the driver logs for it is in no case. */
    call_status st;
    HANDLE probe = open_device(h->device, 0, &st);
    if (probe) CloseHandle(probe);
    *open_e = st.e;
    return st.e == ERROR_FILE_NOT_FOUND || st.e == ERROR_PATH_NOT_FOUND ? "device-gone" : NULL;
}

/* Unload (whatever state the service is in) and load again; the load's Win32 error, 0 when loaded. */
static DWORD load_again(const plan_header *h, double *us)
{
    LARGE_INTEGER a, z;
    QueryPerformanceCounter(&a);
    driver_log_release();
    svc_unload(h->service);
    DWORD e = svc_load(h->service, h->image);
    QueryPerformanceCounter(&z);
    *us = qpc_us(a, z);
    return e;
}

static void jb_fresh(jbuf *b, const char *why, const driver_state *d, DWORD open_e, DWORD e, double us)
{
    jb_lit(b, ",\"fresh\":{\"why\":\"");
    jb_lit(b, why);
    jb_lit(b, "\",");
    if (open_e) {
        jb_lit(b, "\"open\":");
        jb_u64(b, open_e);
        jb_lit(b, ",\"after\":");
        jb_cstr(b, d->last_id);
        jb_lit(b, ",");
    }
    jb_win32(b, e);
    jb_lit(b, ",\"us\":");
    jb_us(b, us);
    jb_lit(b, "}");
}

void run_case(const plan_header *h, lab_case *c, driver_state *d, jbuf *b)
{
    case_state cs;
    LARGE_INTEGER a, z;
    DWORD open_e, load_e = 0;
    double load_us = 0;
    const char *fresh = needs_fresh_load(h, c, d, &open_e);
    int64_t stopped = -1;

    marker(h, "case-begin", c);
    jb_case_head(b, "begin", c);
    jb_lit(b, "}");
    jb_line(b);

    /* Inside the case's markers: a DriverEntry that crashes or hangs here is this case's. */
    if (fresh) load_e = load_again(h, &load_us);
    d->just_loaded = 0;
    int64_t log0 = h->log ? driver_log_size(h->log) : 0;

    memset(&cs, 0, sizeof cs);
    QueryPerformanceCounter(&a);
    jb_case_head(b, "case", c);
    if (fresh) jb_fresh(b, fresh, d, open_e, load_e, load_us);
    jb_lit(b, ",\"steps\":[");
    for (size_t i = 0; i < c->nsteps && !load_e; i++) {
        const step *s = &c->steps[i];
        if (i) jb_lit(b, ",");
        run_step(h, s, &cs, b);
        jb_chunk(b);
        if (s->kind == S_OPEN && s->required && !cs.slots[s->slot]) {
            stopped = (int64_t)i;
            break;
        }
    }
    jb_lit(b, "]");
    /* Requests still running are cancelled before their handles go (Wine 8 cancels nothing on a close). */
    async_drain(&cs, b);
    for (unsigned i = 0; i < LAB_MAX_SLOTS; i++)
        if (cs.slots[i]) CloseHandle(cs.slots[i]);
    QueryPerformanceCounter(&z);

    if (stopped >= 0) {
        jb_lit(b, ",\"stopped\":");
        jb_i64(b, stopped);
    }
    jb_lit(b, ",\"us\":");
    jb_us(b, qpc_us(a, z));
    if (h->log) {
        jb_lit(b, ",\"log\":[");
        jb_i64(b, log0);
        jb_lit(b, ",");
        jb_i64(b, driver_log_size(h->log));
        jb_lit(b, "]}");
    } else {
        jb_lit(b, ",\"log\":null}");
    }
    marker(h, "case-end", c);
    snprintf(d->last_id, sizeof d->last_id, "%s", c->id);
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
