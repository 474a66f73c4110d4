/*
 * lab-monitor: the Wine target's watch over the processes that host the drivers under test
 * (driver/monitor/README.md). Types and functions shared by its few source files.
 */
#ifndef LAB_MONITOR_H
#define LAB_MONITOR_H

/* mingw-w64's own printf family (C99 formats) rather than msvcrt's. */
#define __USE_MINGW_ANSI_STDIO 1

#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <stddef.h>
#include <stdint.h>

/* Windows hands a debugger at most this much of one DbgPrint (the rest of the message is lost). */
#define MON_PRINT_SHOWN 512u
/* Wine formats a DbgPrint into a buffer of this size; the debugger may read up to it. */
#define MON_PRINT_READ 1024u
#define MON_MAX_HOSTS 16u
#define MON_MAX_MODULES 256u
#define MON_MAX_THREADS 256u
#define MON_RECENT 4u
#define MON_MAX_FRAMES 48u

/* ---- line.c: one JSON object per line on stderr, behind the session's token ---- */
/* Lines stay under the pipe's atomic write size, so they never interleave with Wine's own stderr lines. */
#define MON_LINE_MAX 4000u
typedef struct {
    char buf[MON_LINE_MAX];
    size_t n;
} line_t;

/* The lines go to `out` (the monitor's stderr; in lab-prints.dll, that handle duplicated into the host). */
void line_init(const char *token, HANDLE out);
void line_begin(line_t *l, const char *type);
void line_str(line_t *l, const char *key, const char *s, size_t n);
void line_wstr(line_t *l, const char *key, const wchar_t *s);
void line_wstrn(line_t *l, const char *key, const wchar_t *s, size_t n);
void line_u64(line_t *l, const char *key, uint64_t v);
void line_hex(line_t *l, const char *key, uint64_t v);
void line_raw(line_t *l, const char *s);
void line_end(line_t *l);
void line_warning(const char *what, DWORD error);
/* One DbgPrint as a `print` line: `n` characters before its NUL, MON_PRINT_READ when Wine kept no NUL. */
void line_print(DWORD pid, DWORD tid, const void *text, size_t n, int wide);
void line_quiesce(void);

/* ---- hosts.c: the winedevice processes the monitor is attached to ---- */
typedef struct {
    uint64_t base, size;
    wchar_t name[64];
} module_t;

typedef struct {
    DWORD code, tid;
    uint64_t address;
    uint32_t nparams;
    uint64_t params[4];
} exc_t;

typedef struct {
    DWORD pid;
    HANDLE process;
    char service[256];
    int attached;     /* the attach breakpoint came: every later event is the host's own */
    int faulted;      /* a second-chance exception was reported */
    module_t modules[MON_MAX_MODULES];
    unsigned nmodules;
    struct { DWORD tid; HANDLE handle; } threads[MON_MAX_THREADS];
    unsigned nthreads;
    exc_t recent[MON_RECENT];
    unsigned nrecent;
    /* The breakpoint on ntdll's NtTerminateProcess (see events.c): where, and the byte it replaced. */
    uint64_t bp_address;
    unsigned char bp_saved;
    DWORD bp_rearm_tid; /* a thread stepping over the breakpoint, to put it back after */
    int ending;         /* the host announced its end (a fault, or NtTerminateProcess on itself) */
    int prints;         /* the host writes its DbgPrint lines itself (lab-prints.dll, host-prints.c) */
} host_t;

host_t *host_by_pid(DWORD pid);
host_t *host_add(DWORD pid, const char *service);
void host_remove(host_t *h);
const module_t *host_module_at(const host_t *h, uint64_t address);
/* Where `module` (a file name) is loaded in process `pid`, or 0. */
uint64_t module_base(DWORD pid, const wchar_t *module);
/* How the hosts' DbgPrints are carried: lab-prints.dll's path and the prints' token, or NULLs (debug events). */
typedef struct {
    const wchar_t *dll;
    const char *token;
} prints_t;
/* Starts an anchor driver in `group` and attaches to the winedevice process that hosts it. */
DWORD hosts_anchor(const wchar_t *anchor_image, const wchar_t *group, const char *service, unsigned k, const prints_t *prints, DWORD *pid);

/* ---- host-prints.c: lab-prints.dll in a host ---- */
/* What lab_prints_start (prints/lab-prints.c) is given, in the host's memory. */
typedef struct {
    HANDLE out;     /* the session's stderr, duplicated into the host */
    char token[80]; /* the prints' own token */
} prints_config;
/* Before the attach: loads lab-prints.dll into the host and starts it; 1 when the host writes its prints. */
int host_prints_start(host_t *h, const wchar_t *dll, const char *token);

/* ---- events.c: the debug loop ---- */
/* Handles debug events until host `pid` reports its attach breakpoint (or `ms` pass). */
int events_until_attached(DWORD pid, DWORD ms);
/* Handles debug events forever. */
void events_loop(void);

/* ---- stack.c: a faulting thread's frames ---- */
void stack_report(host_t *h, DWORD tid, const CONTEXT *at);

#endif
