/*
 * lab-monitor.exe --token T --anchor <anchor.sys> --group-prefix P --service S... [--runner-debug D]
 *                 -- <runner> <args...>
 * The Wine target starts this instead of the guest runner (driver/monitor/README.md): for each service the
 * plan loads it makes a host it is attached to (group P + S, see hosts.c), then starts the runner with the
 * same stdout and stderr, so the runner's results and markers and the monitor's lines share their pipes and
 * their order, and exits with the runner's exit code. The runner puts service S into group P + S.
 */
#include "monitor.h"

#include <shellapi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ATTACH_WAIT_MS 10000
/* Exit code when the monitor itself cannot start its watch (no runner ran). */
#define MONITOR_FAILED 70

static HANDLE g_runner;

static DWORD WINAPI wait_runner(void *unused)
{
    DWORD code = 1;
    (void)unused;
    WaitForSingleObject(g_runner, INFINITE);
    GetExitCodeProcess(g_runner, &code);
    line_quiesce();
    ExitProcess(code);
    return 0;
}

/* One argument quoted the way CommandLineToArgvW and the C runtime read it back. */
static void append_arg(wchar_t *cmd, size_t cap, const wchar_t *arg)
{
    size_t n = wcslen(cmd);
    int quote = !*arg || wcspbrk(arg, L" \t\"") != NULL;
    if (n && n + 1 < cap) cmd[n++] = L' ';
    if (quote && n + 1 < cap) cmd[n++] = L'"';
    for (const wchar_t *p = arg; *p && n + 3 < cap; p++) {
        size_t slashes = 0;
        while (p[slashes] == L'\\') slashes++;
        if (slashes) {
            /* Backslashes double only before a quote (a real one, or the closing one). */
            int before_quote = p[slashes] == L'"' || (quote && !p[slashes]);
            for (size_t i = 0; i < slashes * (before_quote ? 2 : 1) && n + 3 < cap; i++) cmd[n++] = L'\\';
            p += slashes - 1;
            continue;
        }
        if (*p == L'"') cmd[n++] = L'\\';
        cmd[n++] = *p;
    }
    if (quote && n + 1 < cap) cmd[n++] = L'"';
    cmd[n] = 0;
}

static void fail(const char *what, DWORD error)
{
    line_t l;
    line_begin(&l, "failed");
    line_str(&l, "text", what, strlen(what));
    line_u64(&l, "error", error);
    line_end(&l);
    ExitProcess(MONITOR_FAILED);
}

int main(void)
{
    int argc = 0;
    wchar_t **argv = CommandLineToArgvW(GetCommandLineW(), &argc);
    const wchar_t *anchor = NULL, *group_prefix = L"lab-host:", *runner_debug = NULL, *prints_dll = NULL;
    const wchar_t *services[MON_MAX_HOSTS];
    unsigned nservices = 0;
    int too_many = 0;
    char token[80] = "", print_token[80] = "";
    int i = 1;

    SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX | SEM_NOOPENFILEERRORBOX);
    for (; argv && i < argc; i++) {
        const wchar_t *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!wcscmp(a, L"--")) { i++; break; }
        if (!v) break;
        if (!wcscmp(a, L"--token")) WideCharToMultiByte(CP_UTF8, 0, v, -1, token, sizeof token, NULL, NULL);
        else if (!wcscmp(a, L"--anchor")) anchor = v;
        else if (!wcscmp(a, L"--group-prefix")) group_prefix = v;
        else if (!wcscmp(a, L"--runner-debug")) runner_debug = v;
        else if (!wcscmp(a, L"--prints")) prints_dll = v;
        else if (!wcscmp(a, L"--print-token")) WideCharToMultiByte(CP_UTF8, 0, v, -1, print_token, sizeof print_token, NULL, NULL);
        else if (!wcscmp(a, L"--service")) {
            if (nservices < MON_MAX_HOSTS) services[nservices++] = v;
            else too_many = 1;
        }
        i++;
    }
    line_init(token, GetStdHandle(STD_ERROR_HANDLE));
    if (!argv || i >= argc || !anchor) fail("usage: lab-monitor.exe --token T --anchor IMAGE --service S... -- RUNNER ARGS...", ERROR_BAD_ARGUMENTS);

    if (too_many) line_warning("more services than the monitor watches (16): the rest run in hosts nobody watches", ERROR_TOO_MANY_MODULES);
    /* The prints' token must differ from the monitor's: a host (and so a driver) can read its own. */
    prints_t prints = {prints_dll && print_token[0] && strcmp(print_token, token) ? prints_dll : NULL, print_token};
    DWORD start = GetTickCount();
    for (unsigned k = 0; k < nservices; k++) {
        wchar_t group[600];
        char service[256];
        DWORD pid = 0, e;
        swprintf(group, 600, L"%ls%ls", group_prefix, services[k]);
        WideCharToMultiByte(CP_UTF8, 0, services[k], -1, service, sizeof service, NULL, NULL);
        if ((e = hosts_anchor(anchor, group, service, k, &prints, &pid)) != 0) fail("could not start the driver host for a service", e);
        if (!events_until_attached(pid, ATTACH_WAIT_MS)) fail("attaching to the driver host did not finish", WAIT_TIMEOUT);
        line_t l;
        line_begin(&l, "host");
        line_str(&l, "service", service, strlen(service));
        line_u64(&l, "pid", pid);
        line_u64(&l, "ms", GetTickCount() - start);
        /* Who writes the host's DbgPrint lines: the host itself (lab-prints.dll), or the monitor. */
        const char *carried = host_by_pid(pid)->prints ? "host" : "debug-event";
        line_str(&l, "prints", carried, strlen(carried));
        line_end(&l);
    }
    /* Hosts outlive a monitor that dies: Wine's teardown ends them, not the loss of their debugger. */
    DebugSetProcessKillOnExit(FALSE);

    /* The runner (and what it starts) inherits this environment; the services started earlier kept theirs. */
    SetEnvironmentVariableW(L"LAB_SERVICE_GROUP_PREFIX", group_prefix);
    if (runner_debug) SetEnvironmentVariableW(L"WINEDEBUG", runner_debug);
    static wchar_t cmd[32768];
    for (; i < argc; i++) append_arg(cmd, sizeof cmd / sizeof cmd[0], argv[i]);
    STARTUPINFOW si;
    PROCESS_INFORMATION pi;
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
    si.hStdOutput = GetStdHandle(STD_OUTPUT_HANDLE);
    si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
    for (HANDLE *std = &si.hStdInput; std <= &si.hStdError; std++)
        if (*std && *std != INVALID_HANDLE_VALUE) SetHandleInformation(*std, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT);
    if (!CreateProcessW(NULL, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi)) fail("could not start the guest runner", GetLastError());
    CloseHandle(pi.hThread);
    g_runner = pi.hProcess;
    if (!CreateThread(NULL, 0, wait_runner, NULL, 0, NULL)) fail("could not wait for the guest runner", GetLastError());
    events_loop();
    return 0;
}
