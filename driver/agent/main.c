/*
 * lab-agent.exe [port]: serves lab over a serial port (default \\.\COM2), or over its stdin and stdout
 * with "-". lab-agent.exe --service [port] runs the same loop as a Windows service (see infra/qemu/).
 * It never speaks first (PING is how lab finds it ready), so nothing it sends crosses what lab sends.
 */
#include "agent.h"

#include <stdio.h>
#include <string.h>

static port g_port;
static parser g_parser;
static const wchar_t *g_name = L"\\\\.\\COM2";
static SERVICE_STATUS_HANDLE g_status;
static volatile LONG g_stop;

static void on_frame(port *p, const frame *f)
{
    switch (f->type) {
    case T_PING: frame_send(p, R_PONG, f->id, f->payload, f->n); break;
    case T_PUT_BEGIN: op_put_begin(p, f); break;
    case T_PUT_DATA: op_put_data(p, f); break;
    case T_PUT_END: op_put_end(p, f); break;
    case T_STAT: op_stat(p, f); break;
    case T_READ: op_read(p, f); break;
    case T_EXEC: op_exec(p, f); break;
    case T_KILL: op_kill(p, f); break;
    case T_POLL: op_poll(p, f); break;
    default: send_err(p, f->id, ERROR_INVALID_FUNCTION, "unknown frame type");
    }
}

static int serve(void)
{
    int e = port_open(&g_port, g_name);
    if (e) return e;
    /* Said on the debug stream, not the port: lab waits for this before its first PING, so no request
     * piles up in the port while the agent is not reading it yet. */
    OutputDebugStringA("lab-agent: ready\n");
    static unsigned char buf[16384];
    while (!g_stop) {
        size_t n = port_read(&g_port, buf, sizeof buf);
        if (n) parser_feed(&g_parser, &g_port, buf, n, on_frame);
        else parser_tick(&g_parser, &g_port);
        exec_pump();
    }
    return 0;
}

static void report(DWORD state, DWORD code)
{
    SERVICE_STATUS s = {SERVICE_WIN32_OWN_PROCESS, state, state == SERVICE_RUNNING ? SERVICE_ACCEPT_STOP : 0, code, 0, 0, 0};
    SetServiceStatus(g_status, &s);
}

static DWORD WINAPI on_control(DWORD control, DWORD type, void *data, void *context)
{
    (void)type, (void)data, (void)context;
    if (control == SERVICE_CONTROL_STOP) {
        InterlockedExchange(&g_stop, 1);
        report(SERVICE_STOP_PENDING, 0);
    }
    return NO_ERROR;
}

static void WINAPI service_main(DWORD argc, wchar_t **argv)
{
    (void)argc, (void)argv;
    g_status = RegisterServiceCtrlHandlerExW(L"lab-agent", on_control, NULL);
    if (!g_status) return;
    report(SERVICE_RUNNING, 0);
    int e = serve();
    report(SERVICE_STOPPED, (DWORD)e);
}

int wmain(int argc, wchar_t **argv)
{
    SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX | SEM_NOOPENFILEERRORBOX);
    int service = argc > 1 && wcscmp(argv[1], L"--service") == 0;
    if (argc > 1 + service) g_name = argv[1 + service];
    if (service) {
        SERVICE_TABLE_ENTRYW table[] = {{(wchar_t *)L"lab-agent", service_main}, {NULL, NULL}};
        return StartServiceCtrlDispatcherW(table) ? 0 : (int)GetLastError();
    }
    int e = serve();
    if (e) {
        /* Nobody reads its stderr at boot: the kernel's debug port is where lab can see why. */
        char why[160];
        snprintf(why, sizeof why, "lab-agent: cannot open its serial ports: error %d\n", e);
        OutputDebugStringA(why);
        fputs(why, stderr);
    }
    return e;
}
