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
enum step_kind { S_OPEN, S_CLOSE, S_IOCTL, S_PAR, S_EXEC, S_LOAD, S_UNLOAD, S_SLEEP, S_READ, S_WRITE, S_WAIT, S_CANCEL, S_KIND_COUNT };
enum payload_kind { P_NULL, P_PATTERN, P_THREAD };
/*
 * Where a buffer of a step lives, i.e. the pointer the driver receives (PROTOCOL.md, "Buffers"): the
 * runner's heap (the default), or one of the bad kinds a driver must survive. The runner itself only ever
 * touches the bytes of the readable kinds.
 */
enum ptr_kind { PTR_HEAP, PTR_NULL, PTR_INVALID, PTR_KERNEL, PTR_UNALIGNED, PTR_READONLY, PTR_NOACCESS, PTR_PAGEEND, PTR_KIND_COUNT };
/* CreateFile's dispositions, as the plan names them. */
enum open_disposition { D_OPEN, D_CREATE, D_OPEN_ALWAYS, D_CREATE_ALWAYS, D_TRUNCATE };
#define NO_ASYNC 0xFFFFFFFFu

const char *step_kind_name(enum step_kind k);
const char *ptr_kind_name(enum ptr_kind k);

typedef struct step {
    enum step_kind kind;
    unsigned line;                /* the plan line, for messages */
    /* open, close, ioctl, read, write */
    unsigned slot;
    /* open */
    DWORD access;
    int required;                 /* a failure ends the case (the steps after it are not run) */
    int overlapped;               /* FILE_FLAG_OVERLAPPED: the handle takes asynchronous requests */
    DWORD share;                  /* FILE_SHARE_* (default read | write) */
    enum open_disposition disposition;
    wchar_t *device;              /* another device path than the header's; NULL: the header's */
    wchar_t *path;                /* appended to the device path (`\sub\name`, `\`, `:stream`); NULL: none */
    /* ioctl (in and out), read (out), write (in) */
    DWORD code;
    uint64_t in_len, out_len;
    enum payload_kind payload;
    unsigned char *pattern;
    size_t pattern_len;
    unsigned char *fill;          /* the output buffer's bytes before the call, repeated; NULL: zeros */
    size_t fill_len;
    enum ptr_kind in_ptr, out_ptr;
    int has_offset;               /* read, write: a byte offset; without one the handle's position */
    uint64_t offset;
    unsigned async;               /* start the request and go on (its async slot), or NO_ASYNC */
    char refused[128];            /* non-empty: the step is not run and reports this (a length over the limit) */
    /* wait, cancel: the async slot; wait: timeout_ms below */
    unsigned target;
    /* par */
    unsigned threads, iterations;
    struct step *sub;
    size_t nsub;
    /* exec, wait */
    DWORD timeout_ms;
    wchar_t *command;
    wchar_t *cwd;                 /* exec: where it starts, absolute or under the header's workdir; NULL: workdir */
    wchar_t *env;                 /* exec: NAME=VALUE strings one after another, each NUL-ended, then a NUL */
    /* load, unload */
    char *service;
    wchar_t *image;               /* load: another image than the header's; NULL: the header's */
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
