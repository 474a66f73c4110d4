/*
 * One case: its begin marker and line, its steps in order, its result line and end marker, and the driver
 * log's size at both ends so the host can slice the log per case.
 */
#include "run-case.h"
#include "clock.h"
#include "driver-log.h"
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

void run_case(const plan_header *h, lab_case *c, jbuf *b)
{
    HANDLE slots[LAB_MAX_SLOTS] = {0};
    int64_t log0 = h->log ? driver_log_size(h->log) : 0;
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
        jb_i64(b, driver_log_size(h->log));
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
