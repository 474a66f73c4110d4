/*
 * `exec`: run a command line with stdout and stderr captured. The pipe is drained on its own thread so a
 * chatty child never blocks on a full pipe while the runner waits for it to exit; capture is bounded and
 * the rest is read and dropped. The child runs in a job so a timeout kills what it started too.
 */
#include "exec.h"
#include "clock.h"
#include "newer-api.h"

#include <stdlib.h>
#include <string.h>

#define DRAIN_WAIT_MS 2000

/*
 * What the drain thread captured. The thread may outlive the step (a grandchild outside the job keeps the
 * pipe open): buf and len are only touched under the lock, and the capture belongs to both sides until
 * the last of them lets go of it.
 */
typedef struct {
    CRITICAL_SECTION lock;
    volatile LONG refs;
    HANDLE pipe;
    unsigned char *buf;
    size_t len;
    int cut;
} capture;

static capture *capture_new(void)
{
    capture *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    if (!(c->buf = malloc(LAB_EXEC_CAP))) {
        free(c);
        return NULL;
    }
    InitializeCriticalSection(&c->lock);
    c->refs = 1;
    return c;
}

static void capture_release(capture *c)
{
    if (!c || InterlockedDecrement(&c->refs) != 0) return;
    if (c->pipe) CloseHandle(c->pipe);
    DeleteCriticalSection(&c->lock);
    free(c->buf);
    free(c);
}

static DWORD WINAPI drain(void *arg)
{
    capture *c = arg;
    unsigned char tmp[4096];
    for (;;) {
        DWORD got = 0;
        if (!ReadFile(c->pipe, tmp, sizeof tmp, &got, NULL) || got == 0) break;
        EnterCriticalSection(&c->lock);
        size_t room = LAB_EXEC_CAP - c->len;
        size_t keep = got < room ? got : room;
        memcpy(c->buf + c->len, tmp, keep);
        c->len += keep;
        if (keep < got) c->cut = 1;
        LeaveCriticalSection(&c->lock);
    }
    capture_release(c);
    return 0;
}

/* CancelSynchronousIo is Vista's; on older kernels (ReactOS, Server 2003) a stuck drain thread is left to
 * end on its own, which the shared capture makes safe. */
static void cancel_read(HANDLE thread)
{
    cancel_synchronous_io_fn cancel = api_cancel_synchronous_io();
    if (cancel) cancel(thread);
}

/* The step's working folder: its own (absolute, or under the header's workdir), or the workdir. */
static wchar_t *working_folder(const plan_header *h, const step *s)
{
    const wchar_t *cwd = s->cwd;
    if (!cwd) return h->workdir ? _wcsdup(h->workdir) : NULL;
    int absolute = (cwd[0] && cwd[1] == L':') || (cwd[0] == L'\\' && cwd[1] == L'\\');
    if (absolute || !h->workdir) return _wcsdup(cwd);
    size_t a = wcslen(h->workdir), b = wcslen(cwd);
    wchar_t *path = malloc((a + b + 2) * sizeof *path);
    if (!path) return NULL;
    memcpy(path, h->workdir, a * sizeof *path);
    path[a] = L'\\';
    memcpy(path + a + 1, cwd, (b + 1) * sizeof *path);
    return path;
}

/* The runner's environment with the step's NAME=VALUE strings added (replacing a name it already has,
 * whatever its case, as Windows compares names); NULL without memory. */
static wchar_t *environment(const wchar_t *extra)
{
    wchar_t *own = GetEnvironmentStringsW();
    size_t n = 0, own_len = 0, extra_len = 0;
    for (const wchar_t *e = extra; *e; e += wcslen(e) + 1) extra_len += wcslen(e) + 1;
    for (const wchar_t *e = own; own && *e; e += wcslen(e) + 1) own_len += wcslen(e) + 1;
    wchar_t *block = malloc((own_len + extra_len + 1) * sizeof *block);
    if (!block) {
        if (own) FreeEnvironmentStringsW(own);
        return NULL;
    }
    for (const wchar_t *e = own; own && *e; e += wcslen(e) + 1) {
        /* Windows keeps its per-drive entries ("=C:=C:\\") first; they have no name before their `=`. */
        const wchar_t *eq = wcschr(e + 1, L'=');
        size_t name = eq ? (size_t)(eq - e) : wcslen(e);
        int replaced = 0;
        for (const wchar_t *x = extra; *x && !replaced; x += wcslen(x) + 1)
            replaced = wcschr(x, L'=') - x == (ptrdiff_t)name && _wcsnicmp(x, e, name) == 0;
        if (replaced) continue;
        memcpy(block + n, e, (wcslen(e) + 1) * sizeof *block);
        n += wcslen(e) + 1;
    }
    for (const wchar_t *x = extra; *x; x += wcslen(x) + 1) {
        memcpy(block + n, x, (wcslen(x) + 1) * sizeof *block);
        n += wcslen(x) + 1;
    }
    block[n] = 0;
    if (own) FreeEnvironmentStringsW(own);
    return block;
}

static void jb_exec(jbuf *b, DWORD e, int has_exit, DWORD exit_code, capture *c, double us)
{
    jb_lit(b, "{\"k\":\"exec\",\"e\":");
    jb_u64(b, e);
    jb_lit(b, ",\"exit\":");
    if (has_exit) jb_u64(b, exit_code);
    else jb_lit(b, "null");
    jb_lit(b, ",\"out\":");
    if (c) {
        EnterCriticalSection(&c->lock);
        jb_hex(b, c->buf, c->len);
        if (c->cut) jb_lit(b, ",\"ot\":1");
        LeaveCriticalSection(&c->lock);
    } else {
        jb_hex(b, NULL, 0);
    }
    jb_lit(b, ",\"us\":");
    jb_us(b, us);
    jb_lit(b, "}");
}

void run_exec(const plan_header *h, const step *s, jbuf *b)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    STARTUPINFOW si;
    PROCESS_INFORMATION pi = {0};
    HANDLE rd = NULL, wr = NULL, nul = INVALID_HANDLE_VALUE, job = NULL, reader = NULL;
    DWORD e = 0, exit_code = 0;
    int has_exit = 0;
    LARGE_INTEGER a, z;
    capture *c = capture_new();
    size_t cmd_len = wcslen(s->command);
    wchar_t *cmd = malloc((cmd_len + 1) * sizeof *cmd); /* CreateProcessW may write into its command line */
    wchar_t *cwd = working_folder(h, s);
    wchar_t *env = s->env ? environment(s->env) : NULL;

    QueryPerformanceCounter(&a);
    if (!c || !cmd || (s->cwd && !cwd) || (s->env && !env)) {
        e = ERROR_NOT_ENOUGH_MEMORY;
        goto report;
    }
    memcpy(cmd, s->command, (cmd_len + 1) * sizeof *cmd);
    if (!CreatePipe(&rd, &wr, &sa, 0)) {
        e = GetLastError();
        goto report;
    }
    SetHandleInformation(rd, HANDLE_FLAG_INHERIT, 0);
    /* The child gets NUL as stdin, never the runner's own. */
    nul = CreateFileW(L"NUL", GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, &sa, OPEN_EXISTING, 0, NULL);
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = nul;
    si.hStdOutput = wr;
    si.hStdError = wr;
    if (!CreateProcessW(NULL, cmd, NULL, NULL, TRUE, CREATE_SUSPENDED | CREATE_NO_WINDOW | (env ? CREATE_UNICODE_ENVIRONMENT : 0), env,
                        cwd, &si, &pi)) {
        e = GetLastError();
        goto report;
    }
    job = CreateJobObjectW(NULL, NULL);
    if (job) {
        JOBOBJECT_EXTENDED_LIMIT_INFORMATION li;
        memset(&li, 0, sizeof li);
        li.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
        /* Best effort: a runner already inside a job (Windows 7) cannot nest one. */
        if (!SetInformationJobObject(job, JobObjectExtendedLimitInformation, &li, sizeof li) ||
            !AssignProcessToJobObject(job, pi.hProcess)) {
            CloseHandle(job);
            job = NULL;
        }
    }
    /* Our copy of the write end must go, or the reader never sees the end of the pipe. */
    CloseHandle(wr);
    wr = NULL;
    /* From here the pipe belongs to the capture, and the capture to the drain thread too. */
    c->pipe = rd;
    rd = NULL;
    c->refs = 2;
    reader = CreateThread(NULL, 64 * 1024, drain, c, STACK_SIZE_PARAM_IS_A_RESERVATION, NULL);
    if (!reader) c->refs = 1;
    ResumeThread(pi.hThread);
    if (WaitForSingleObject(pi.hProcess, s->timeout_ms) == WAIT_TIMEOUT) {
        if (job) TerminateJobObject(job, ERROR_TIMEOUT);
        TerminateProcess(pi.hProcess, ERROR_TIMEOUT);
        WaitForSingleObject(pi.hProcess, DRAIN_WAIT_MS);
        e = ERROR_TIMEOUT;
    } else if (GetExitCodeProcess(pi.hProcess, &exit_code)) {
        has_exit = 1;
    }
    if (job) {
        CloseHandle(job); /* kills whatever the child left running and holding the pipe */
        job = NULL;
    }
    if (reader && WaitForSingleObject(reader, DRAIN_WAIT_MS) == WAIT_TIMEOUT) {
        /* A grandchild outside the job still holds the pipe: stop reading it, or leave the thread to it. */
        cancel_read(reader);
        WaitForSingleObject(reader, DRAIN_WAIT_MS);
    }

report:
    QueryPerformanceCounter(&z);
    jb_exec(b, e, has_exit, exit_code, c, qpc_us(a, z));
    if (reader) CloseHandle(reader);
    if (pi.hProcess) CloseHandle(pi.hProcess);
    if (pi.hThread) CloseHandle(pi.hThread);
    if (rd) CloseHandle(rd);
    if (wr) CloseHandle(wr);
    if (nul != INVALID_HANDLE_VALUE) CloseHandle(nul);
    capture_release(c);
    free(cmd);
    free(cwd);
    free(env);
}
