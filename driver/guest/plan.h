/*
 * The parsed plan (PROTOCOL.md, "Plan") and the reader that makes it: plan-reader.c (lines),
 * plan-tokens.c (words, numbers, hex), plan-header.c (the header), plan-case.c (one `case` block into
 * steps). Nothing here runs anything: the reader is built natively too, for the fuzz test.
 */
#ifndef LAB_PLAN_H
#define LAB_PLAN_H

#include "limits.h"
#include "win.h"

/*
 * A new step kind: a value here, its syntax in plan-case.c's STEP_SYNTAX table, its run in steps.c's
 * run_step (and par.c's run_inner when it may run inside par), its name in step_kind_name.
 */
enum step_kind { S_OPEN, S_CLOSE, S_IOCTL, S_PAR, S_EXEC, S_LOAD, S_UNLOAD, S_SLEEP, S_KIND_COUNT };
enum payload_kind { P_NULL, P_PATTERN, P_THREAD };

const char *step_kind_name(enum step_kind k);

typedef struct step {
    enum step_kind kind;
    unsigned line;                /* the plan line, for messages */
    /* open, close, ioctl */
    unsigned slot;
    DWORD access;                 /* open */
    int required;                 /* open: a failure ends the case (the steps after it are not run) */
    /* ioctl */
    DWORD code;
    uint64_t in_len, out_len;
    enum payload_kind payload;
    unsigned char *pattern;
    size_t pattern_len;
    char refused[128];            /* non-empty: the step is not run and reports this (a length over the limit) */
    /* par */
    unsigned threads, iterations;
    struct step *sub;
    size_t nsub;
    /* exec */
    DWORD timeout_ms;
    wchar_t *command;
    /* load, unload */
    char *service;
    /* sleep */
    DWORD ms;
} step;

typedef struct {
    wchar_t *device;
    char *service;                /* NULL: no driver line */
    wchar_t *image;
    wchar_t *log;                 /* NULL: no log line */
    int markers_on_stderr;        /* `markers stderr`: case markers written to stderr, not OutputDebugString */
    wchar_t *workdir;             /* NULL: exec steps start in the runner's own current folder */
} plan_header;

typedef struct {
    int64_t index;                /* -1 when the case line itself could not be read */
    char *id;
    size_t line;
    int fresh;                    /* `case ... fresh`: unload and load the driver again before the steps */
    step *steps;
    size_t nsteps;
} lab_case;

/* Where plan lines come from: 1 with *got bytes (0 at the end), or 0 with a Win32 error in *e. */
typedef int (*plan_source)(void *ctx, unsigned char *buf, size_t cap, size_t *got, DWORD *e);

typedef struct reader reader;
enum next_kind { NEXT_CASE, NEXT_ERROR, NEXT_EOF };
typedef struct {
    enum next_kind kind;
    lab_case c;                   /* NEXT_CASE */
    int64_t index;                /* NEXT_ERROR: -1 outside a case */
    char *id;                     /* NEXT_ERROR: "" outside a case */
    char error[256];
    size_t line;
    int counts_as_case;           /* NEXT_ERROR: the error is a whole `case` block */
} next_item;

reader *plan_reader(plan_source source, void *ctx);
void plan_reader_free(reader *r);
/* Reads the header. Returns 0 and fills h, or -1 with a message and line for a plan-error.
 * Non-fatal problems before the first case are queued and come back from plan_next as NEXT_ERROR. */
int plan_header_read(reader *r, plan_header *h, char *error, size_t error_size, size_t *line);
void plan_header_free(plan_header *h);
void plan_next(reader *r, const plan_header *h, next_item *out);
void case_free(lab_case *c);
void item_free(next_item *it);

#endif
