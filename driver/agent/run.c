/*
 * Running a program: one at a time, its stdout and stderr drained from two pipes into memory as it writes
 * them (so it never blocks on a full pipe), handed to lab when it polls (POLL: what came since the last
 * poll, and the exit code once the program has ended and both pipes are drained). The program is not put
 * in a job: Windows before 8 (and ReactOS) cannot nest jobs, and lab's guest runner makes its own for what
 * it starts. KILL terminates it.
 */
#include "agent.h"

#include <stdlib.h>
#include <string.h>

/* After the program ended, how long its pipes may stay open (a child that inherited them) before it counts as done. */
#define DRAIN_AFTER_EXIT_MS 1000
/* Output kept for lab between polls; past this the program waits on its pipe until lab catches up. */
#define KEEP_MAX (4u * 1024u * 1024u)

typedef struct {
    unsigned char *p;
    size_t n, cap;
} held;

static struct {
    int running, ended;
    uint32_t id;
    HANDLE process, out[2];
    DWORD ended_at, code;
    held kept[2];
} g_run;

void op_exec(port *p, const frame *f)
{
    if (g_run.running) {
        send_err(p, f->id, ERROR_BUSY, "a program is already running");
        return;
    }
    wchar_t *cmd = utf8_path(f->payload, f->n);
    if (!cmd) {
        send_err(p, f->id, ERROR_INVALID_PARAMETER, "expected a UTF-8 command line");
        return;
    }
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    HANDLE rd[2] = {NULL, NULL}, wr[2] = {NULL, NULL};
    DWORD e = 0;
    for (int i = 0; i < 2 && !e; i++) {
        if (!CreatePipe(&rd[i], &wr[i], &sa, 65536)) e = GetLastError();
        else SetHandleInformation(rd[i], HANDLE_FLAG_INHERIT, 0);
    }
    HANDLE nul = CreateFileW(L"NUL", GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, &sa, OPEN_EXISTING, 0, NULL);
    STARTUPINFOW si;
    PROCESS_INFORMATION pi = {0};
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = nul;
    si.hStdOutput = wr[0];
    si.hStdError = wr[1];
    if (!e && !CreateProcessW(NULL, cmd, NULL, NULL, TRUE, CREATE_NO_WINDOW, NULL, NULL, &si, &pi)) e = GetLastError();
    free(cmd);
    if (nul != INVALID_HANDLE_VALUE) CloseHandle(nul);
    for (int i = 0; i < 2; i++)
        if (wr[i]) CloseHandle(wr[i]);
    if (e) {
        for (int i = 0; i < 2; i++)
            if (rd[i]) CloseHandle(rd[i]);
        send_err(p, f->id, e, "cannot start the program");
        return;
    }
    CloseHandle(pi.hThread);
    for (int i = 0; i < 2; i++) free(g_run.kept[i].p);
    memset(&g_run, 0, sizeof g_run);
    g_run.running = 1;
    g_run.id = f->id;
    g_run.process = pi.hProcess;
    g_run.out[0] = rd[0];
    g_run.out[1] = rd[1];
    unsigned char pid[4];
    put_u32(pid, pi.dwProcessId);
    frame_send(p, R_STARTED, f->id, pid, 4);
}

void op_kill(port *p, const frame *f)
{
    if (g_run.running && !g_run.ended) TerminateProcess(g_run.process, 1);
    frame_send(p, R_OK, f->id, NULL, 0);
}

/* Moves what one pipe holds into memory; returns 0 once the pipe is closed and empty. */
static int drain(int stream)
{
    HANDLE h = g_run.out[stream];
    if (!h) return 0;
    held *k = &g_run.kept[stream];
    for (int rounds = 0; rounds < 16; rounds++) {
        DWORD avail = 0;
        if (!PeekNamedPipe(h, NULL, 0, NULL, &avail, NULL)) {
            CloseHandle(h);
            g_run.out[stream] = NULL;
            return 0;
        }
        if (avail == 0 || k->n >= KEEP_MAX) return 1;
        if (k->cap - k->n < avail) {
            size_t cap = k->cap ? k->cap : 65536;
            while (cap - k->n < avail) cap *= 2;
            unsigned char *p = realloc(k->p, cap);
            if (!p) return 1;
            k->p = p;
            k->cap = cap;
        }
        DWORD got = 0;
        if (!ReadFile(h, k->p + k->n, avail, &got, NULL) || got == 0) return 1;
        k->n += got;
    }
    return 1;
}

void exec_pump(void)
{
    if (!g_run.running || g_run.ended) return;
    int open = drain(0);
    open |= drain(1);
    if (!g_run.ended_at && WaitForSingleObject(g_run.process, 0) == WAIT_OBJECT_0) g_run.ended_at = GetTickCount() | 1;
    if (!g_run.ended_at) return;
    if (open && GetTickCount() - g_run.ended_at < DRAIN_AFTER_EXIT_MS) return;
    GetExitCodeProcess(g_run.process, &g_run.code);
    for (int i = 0; i < 2; i++)
        if (g_run.out[i]) CloseHandle(g_run.out[i]);
    CloseHandle(g_run.process);
    g_run.ended = 1;
}

/* Takes up to `room` bytes from the front of what is held. */
static size_t take(held *k, unsigned char *to, size_t room)
{
    size_t n = k->n < room ? k->n : room;
    memcpy(to, k->p, n);
    memmove(k->p, k->p + n, k->n - n);
    k->n -= n;
    return n;
}

/*
 * POLL's answer: flags (bit 0: the program ended and everything is here; bit 1: more output is held),
 * exit code (4 bytes), stdout length (4), stdout, then stderr. ERR 6 when no program was started.
 */
void op_poll(port *p, const frame *f)
{
    if (!g_run.running) {
        send_err(p, f->id, ERROR_INVALID_HANDLE, "no program was started");
        return;
    }
    exec_pump();
    static unsigned char out[FRAME_MAX_PAYLOAD];
    size_t room = FRAME_MAX_PAYLOAD - 9;
    size_t n_out = take(&g_run.kept[0], out + 9, room);
    size_t n_err = take(&g_run.kept[1], out + 9 + n_out, room - n_out);
    int more = g_run.kept[0].n > 0 || g_run.kept[1].n > 0;
    int done = g_run.ended && !more;
    out[0] = (unsigned char)((done ? 1 : 0) | (more ? 2 : 0));
    put_u32(out + 1, done ? g_run.code : 0);
    put_u32(out + 5, (uint32_t)n_out);
    frame_send(p, R_DATA, f->id, out, 9 + n_out + n_err);
    if (done) {
        for (int i = 0; i < 2; i++) free(g_run.kept[i].p);
        memset(&g_run, 0, sizeof g_run);
    }
}
