/*
 * Running a program: one at a time, its stdout and stderr on two pipes forwarded as they come (OUT
 * frames: a stream byte, 1 or 2, then the bytes), then EXIT with its exit code once it has ended and both
 * pipes are drained. The program is not put in a job: Windows before 8 (and ReactOS) cannot nest jobs, and
 * lab's guest runner makes its own for what it starts. KILL terminates it.
 */
#include "agent.h"

#include <stdlib.h>
#include <string.h>

/* After the program ended, how long its pipes may stay open (a child that inherited them) before EXIT. */
#define DRAIN_AFTER_EXIT_MS 1000

static struct {
    int running;
    uint32_t id;
    HANDLE process, out[2];
    DWORD ended_at;
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
    g_run.running = 1;
    g_run.id = f->id;
    g_run.process = pi.hProcess;
    g_run.out[0] = rd[0];
    g_run.out[1] = rd[1];
    g_run.ended_at = 0;
    unsigned char pid[4];
    put_u32(pid, pi.dwProcessId);
    frame_send(p, R_STARTED, f->id, pid, 4);
}

void op_kill(port *p, const frame *f)
{
    if (g_run.running) TerminateProcess(g_run.process, 1);
    frame_send(p, R_OK, f->id, NULL, 0);
}

/* Forwards what one pipe holds; returns 0 once the pipe is closed and empty. */
static int forward(port *p, int stream)
{
    HANDLE h = g_run.out[stream];
    if (!h) return 0;
    static unsigned char buf[16384];
    for (int rounds = 0; rounds < 8; rounds++) {
        DWORD avail = 0;
        if (!PeekNamedPipe(h, NULL, 0, NULL, &avail, NULL)) {
            CloseHandle(h);
            g_run.out[stream] = NULL;
            return 0;
        }
        if (avail == 0) return 1;
        DWORD got = 0;
        buf[0] = (unsigned char)(stream + 1);
        if (!ReadFile(h, buf + 1, avail < sizeof buf - 1 ? avail : sizeof buf - 1, &got, NULL) || got == 0) return 1;
        frame_send(p, R_OUT, g_run.id, buf, got + 1);
    }
    return 1;
}

void exec_pump(port *p)
{
    if (!g_run.running) return;
    int open = forward(p, 0);
    open |= forward(p, 1);
    if (!g_run.ended_at && WaitForSingleObject(g_run.process, 0) == WAIT_OBJECT_0) g_run.ended_at = GetTickCount() | 1;
    if (!g_run.ended_at) return;
    if (open && GetTickCount() - g_run.ended_at < DRAIN_AFTER_EXIT_MS) return;
    DWORD code = 0;
    GetExitCodeProcess(g_run.process, &code);
    for (int i = 0; i < 2; i++)
        if (g_run.out[i]) CloseHandle(g_run.out[i]);
    CloseHandle(g_run.process);
    g_run.running = 0;
    unsigned char c[4];
    put_u32(c, code);
    frame_send(p, R_EXIT, g_run.id, c, 4);
}
