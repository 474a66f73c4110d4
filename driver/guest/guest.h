/*
 * lab-guest: the guest runner (driver/guest/PROTOCOL.md is its specification).
 * Types and functions shared by its few source files. One process, Win32 only, no C runtime beyond msvcrt.
 */
#ifndef LAB_GUEST_H
#define LAB_GUEST_H

/* mingw-w64's own printf family (static, C99 formats) rather than msvcrt's. */
#define __USE_MINGW_ANSI_STDIO 1

#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <stddef.h>
#include <stdint.h>

/* Limits, mirrored by GUEST_LIMITS in lab/guest/plan.ts. */
#define LAB_MAX_SLOTS       16u
#define LAB_MAX_BUFFER      (16u * 1024u * 1024u)
#define LAB_MAX_THREADS     64u
#define LAB_MAX_ITERATIONS  100000u
#define LAB_MAX_SLEEP_MS    60000u
#define LAB_MAX_EXEC_MS     600000u
#define LAB_MAX_LINE        (64u * 1024u * 1024u)
#define LAB_GUARD_BYTES     64u
#define LAB_GUARD_VALUE     0xCC
#define LAB_OUT_CAP         (1024u * 1024u)
#define LAB_EXEC_CAP        (64u * 1024u)
#define LAB_PAR_OUTS        16u
#define LAB_MAP_KEYS        256u

/* ---- out.c: JSON lines on stdout ---- */
typedef struct {
    char *p;
    size_t n, cap;
    int oom;     /* an append failed: the line is replaced by an error line when written */
    int chunked; /* part of the current line was already written (jb_chunk) */
} jbuf;

void out_init(void);
void jb_raw(jbuf *b, const char *s, size_t n);
void jb_lit(jbuf *b, const char *s);
void jb_str(jbuf *b, const char *s, size_t n);   /* a JSON string, escaped */
void jb_cstr(jbuf *b, const char *s);
void jb_u64(jbuf *b, uint64_t v);
void jb_i64(jbuf *b, int64_t v);
void jb_us(jbuf *b, double us);                   /* microseconds, 3 decimals */
void jb_hex(jbuf *b, const void *p, size_t n);    /* a JSON string of lowercase hex */
void jb_chunk(jbuf *b);                           /* write what is buffered when it got large (long case lines) */
void jb_line(jbuf *b);                            /* end the line, write it, reset the buffer */
void jb_discard(jbuf *b);                         /* drop the current line (ending what jb_chunk wrote of it) */
void jb_free(jbuf *b);
void out_plan_error(const char *msg, size_t line);

/* ---- time ---- */
double qpc_us(LARGE_INTEGER from, LARGE_INTEGER to);
extern LARGE_INTEGER g_qpc_hz;

/* ---- text.c ---- */
/* Windows' text for a Win32 error (UTF-8, one line); NULL only without memory; free with free(). */
char *win32_message(DWORD e);
void jb_win32(jbuf *b, DWORD e); /* "e":n,"msg":s */
wchar_t *utf8_to_wide(const char *s, size_t n); /* NULL when not UTF-8 or no memory; free() */

/* ---- service.c: the Win32 error of the call that failed, 0 when loaded / stopped and deleted ---- */
DWORD svc_load(const char *service, const wchar_t *image);
DWORD svc_unload(const char *service);

/* ---- the parsed plan ---- */
enum step_kind { S_OPEN, S_CLOSE, S_IOCTL, S_PAR, S_EXEC, S_LOAD, S_UNLOAD, S_SLEEP };
enum payload_kind { P_NULL, P_PATTERN, P_THREAD };

typedef struct step {
    enum step_kind kind;
    unsigned slot;
    DWORD access;                 /* open */
    DWORD code;                   /* ioctl */
    uint64_t in_len, out_len;
    enum payload_kind payload;
    unsigned char *pattern;
    size_t pattern_len;
    char refused[128];            /* non-empty: the step is not run and reports this (a length over the limit) */
    unsigned threads, iterations; /* par */
    struct step *sub;
    size_t nsub;
    DWORD timeout_ms;             /* exec */
    wchar_t *command;
    char *service;                /* load, unload */
    DWORD ms;                     /* sleep */
} step;

typedef struct {
    wchar_t *device;
    char *service;                /* NULL: no driver line */
    wchar_t *image;
    wchar_t *log;                 /* NULL: no log line */
    int markers_on_stderr;        /* `markers stderr`: case markers written to stderr, not OutputDebugString */
} plan_header;

typedef struct {
    int64_t index;                /* -1 when the case line itself could not be read */
    char *id;
    size_t line;
    step *steps;
    size_t nsteps;
} lab_case;

/* ---- plan.c ---- */
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

reader *plan_open(const wchar_t *path, DWORD *e);
/* Reads the header. Returns 0 and fills h, or -1 with a message and line for a plan-error.
 * Non-fatal problems before the first case are queued and come back from plan_next as NEXT_ERROR. */
int plan_header_read(reader *r, plan_header *h, char *error, size_t error_size, size_t *line);
void plan_next(reader *r, const plan_header *h, next_item *out);
void case_free(lab_case *c);
void item_free(next_item *it);

/* ---- steps.c / par.c / exec.c ---- */
void run_case(const plan_header *h, lab_case *c, jbuf *b);
void run_par(const plan_header *h, const step *s, HANDLE *case_slots, jbuf *b);
void run_exec(const step *s, jbuf *b);

/* Shared by steps.c and par.c. */
/* The step's input bytes (NULL for the "-" payload); *failed is set when there is no memory for them. */
unsigned char *make_input(const step *s, unsigned thread_index, int *failed);
HANDLE open_device(const plan_header *h, DWORD access, DWORD *e);
typedef struct {
    DWORD e, n;
    double us;
    int guard_damaged;
} ioctl_result;
/* out has out_len + LAB_GUARD_BYTES bytes with the guard set (or is NULL when out_len is 0). */
ioctl_result do_ioctl(HANDLE h, DWORD code, const unsigned char *in, DWORD in_len, unsigned char *out, DWORD out_len);
unsigned char *alloc_output(DWORD out_len);
void jb_refused(jbuf *b, const char *kind, const char *why); /* a step that was not run */

#endif
