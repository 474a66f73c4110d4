/*
 * The plan's header: `lab-plan 1`, then device, driver, log and markers lines up to the first `case`.
 * A header the runner cannot use is a plan-error; a stray line in it is queued and reported as a case
 * error once the cases start, so the cases still run.
 */
#include "plan-reader.h"
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void queue_stray(reader *r, const char *msg, size_t line)
{
    next_item *q = realloc(r->queue, (r->nqueue + 1) * sizeof *q);
    if (!q) return;
    r->queue = q;
    next_item *it = &q[r->nqueue++];
    memset(it, 0, sizeof *it);
    it->kind = NEXT_ERROR;
    it->index = -1;
    it->line = line;
    snprintf(it->error, sizeof it->error, "%s", msg);
}

/* `device <path>`, `log <path>` and `workdir <path>`: the rest of the line, once. */
static int path_line(reader *r, tok *t, size_t n, wchar_t **slot, char *error, size_t error_size)
{
    const char *what = is(t[0], "device") ? "device" : is(t[0], "log") ? "log" : "workdir";
    if (n < 2) {
        snprintf(error, error_size, "'%s' needs a path", what);
        return -1;
    }
    if (*slot) {
        snprintf(error, error_size, "a second '%s' line", what);
        return -1;
    }
    tok rest = rest_after(r->line, r->len, t[0]);
    if (!(*slot = utf8_to_wide(rest.p, rest.n))) {
        snprintf(error, error_size, "the %s path is not UTF-8", what);
        return -1;
    }
    return 0;
}

static int driver_line(reader *r, plan_header *h, tok *t, size_t n, char *error, size_t error_size)
{
    if (n < 3) {
        snprintf(error, error_size, "'driver' needs a service name and an image path");
        return -1;
    }
    if (h->service) {
        snprintf(error, error_size, "a second 'driver' line");
        return -1;
    }
    if (t[1].n > LAB_MAX_SERVICE) {
        snprintf(error, error_size, "the service name is longer than %u bytes", LAB_MAX_SERVICE);
        return -1;
    }
    tok rest = rest_after(r->line, r->len, t[1]);
    h->service = dup_tok(t[1]);
    h->image = utf8_to_wide(rest.p, rest.n);
    if (!h->service || !h->image) {
        snprintf(error, error_size, "the driver line is not UTF-8");
        return -1;
    }
    return 0;
}

static int first_line(reader *r, char *error, size_t error_size, size_t *line)
{
    tok t[MAX_TOKENS];
    if (!rd_next(r)) {
        *line = r->io_error ? 0 : 1;
        if (r->io_error) {
            char *m = win32_message(r->io_error);
            snprintf(error, error_size, "cannot read the plan: %lu %s", (unsigned long)r->io_error, m ? m : "");
            free(m);
        } else {
            snprintf(error, error_size, "the plan is empty (expected 'lab-plan 1')");
        }
        return -1;
    }
    /* A UTF-8 byte order mark (PowerShell's Out-File writes one) is not part of the first directive. */
    if (r->len >= 3 && memcmp(r->line, "\xEF\xBB\xBF", 3) == 0) {
        memmove(r->line, r->line + 3, r->len - 2);
        r->len -= 3;
    }
    size_t n = r->too_long || r->has_nul ? 0 : split(r->line, r->len, t, MAX_TOKENS);
    *line = 1;
    if (n != 2 || !is(t[0], "lab-plan")) {
        snprintf(error, error_size, "the first line must be 'lab-plan 1'");
        return -1;
    }
    if (!is(t[1], "1")) {
        char q[64];
        quote(q, sizeof q, t[1]);
        snprintf(error, error_size, "plan version %s is not supported (this runner reads version 1)", q);
        return -1;
    }
    return 0;
}

int plan_header_read(reader *r, plan_header *h, char *error, size_t error_size, size_t *line)
{
    tok t[MAX_TOKENS];
    memset(h, 0, sizeof *h);
    if (first_line(r, error, error_size, line) < 0) return -1;
    while (rd_next(r)) {
        *line = r->lineno;
        size_t n = rd_words(r, t, MAX_TOKENS);
        if (n == 0 && !r->too_long && !r->has_nul) continue;
        if (n > 0 && is(t[0], "case")) {
            r->pushed = 1;
            break;
        }
        int rc = 1;
        if (n > 0 && is(t[0], "device")) rc = path_line(r, t, n, &h->device, error, error_size);
        else if (n > 0 && is(t[0], "log")) rc = path_line(r, t, n, &h->log, error, error_size);
        else if (n > 0 && is(t[0], "workdir")) rc = path_line(r, t, n, &h->workdir, error, error_size);
        else if (n > 0 && is(t[0], "driver")) rc = driver_line(r, h, t, n, error, error_size);
        else if (n > 0 && is(t[0], "markers")) {
            if (n != 2 || !(is(t[1], "debug") || is(t[1], "stderr"))) {
                snprintf(error, error_size, "'markers' takes 'debug' or 'stderr'");
                return -1;
            }
            h->markers_on_stderr = is(t[1], "stderr");
            rc = 0;
        } else if (n > 0 && is(t[0], "lab-plan")) {
            snprintf(error, error_size, "a second 'lab-plan' line");
            return -1;
        }
        if (rc < 0) return -1;
        if (rc == 0) continue;
        /* Not fatal: the cases may still run. Reported once the cases start. */
        char msg[256];
        tok none = {"", 0};
        stray_message(msg, sizeof msg, r, n > 0 ? t[0] : none, 0);
        queue_stray(r, msg, r->lineno);
    }
    if (!h->device) {
        snprintf(error, error_size, "no 'device' line before the first case");
        *line = r->lineno;
        return -1;
    }
    return 0;
}

void plan_header_free(plan_header *h)
{
    free(h->device);
    free(h->service);
    free(h->image);
    free(h->log);
    free(h->workdir);
    memset(h, 0, sizeof *h);
}
