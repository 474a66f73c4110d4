/*
 * The agent's byte pipe. A serial port (the VM's COM2): ReactOS's serial.sys starts with a 16-byte
 * receive buffer and drops what does not fit, so SetupComm asks for 64 KiB; a read returns what has
 * arrived, waiting at most 10 ms for the first byte, so one thread can also forward a program's output.
 * "-" uses the agent's stdin and stdout instead (tests run the same agent under Wine through pipes); a
 * reader thread turns the blocking pipe into the same short-wait reads.
 */
#include "agent.h"

#include <string.h>

#define READ_WAIT_MS 10

static struct {
    CRITICAL_SECTION lock;
    HANDLE ready;
    unsigned char buf[65536];
    size_t n;
    int eof;
} g_pipe;

static DWORD WINAPI pipe_reader(void *arg)
{
    port *p = arg;
    unsigned char tmp[4096];
    for (;;) {
        DWORD got = 0;
        if (!ReadFile(p->in, tmp, sizeof tmp, &got, NULL) || got == 0) break;
        size_t off = 0;
        while (off < got) {
            EnterCriticalSection(&g_pipe.lock);
            size_t room = sizeof g_pipe.buf - g_pipe.n, take = got - off < room ? got - off : room;
            memcpy(g_pipe.buf + g_pipe.n, tmp + off, take);
            g_pipe.n += take;
            LeaveCriticalSection(&g_pipe.lock);
            SetEvent(g_pipe.ready);
            off += take;
            if (off < got) Sleep(1);
        }
    }
    EnterCriticalSection(&g_pipe.lock);
    g_pipe.eof = 1;
    LeaveCriticalSection(&g_pipe.lock);
    SetEvent(g_pipe.ready);
    return 0;
}

int port_open(port *p, const wchar_t *name)
{
    memset(p, 0, sizeof *p);
    if (wcscmp(name, L"-") == 0) {
        p->is_pipe = 1;
        p->in = GetStdHandle(STD_INPUT_HANDLE);
        p->out = GetStdHandle(STD_OUTPUT_HANDLE);
        InitializeCriticalSection(&g_pipe.lock);
        g_pipe.ready = CreateEventW(NULL, FALSE, FALSE, NULL);
        HANDLE t = CreateThread(NULL, 0, pipe_reader, p, 0, NULL);
        if (!t) return (int)GetLastError();
        CloseHandle(t);
        return 0;
    }
    HANDLE h = CreateFileW(name, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    if (h == INVALID_HANDLE_VALUE) return (int)GetLastError();
    SetupComm(h, 65536, 65536);
    DCB dcb;
    memset(&dcb, 0, sizeof dcb);
    dcb.DCBlength = sizeof dcb;
    if (GetCommState(h, &dcb)) {
        dcb.BaudRate = CBR_115200;
        dcb.ByteSize = 8;
        dcb.Parity = NOPARITY;
        dcb.StopBits = ONESTOPBIT;
        dcb.fBinary = TRUE;
        dcb.fOutxCtsFlow = dcb.fOutxDsrFlow = dcb.fDsrSensitivity = FALSE;
        dcb.fOutX = dcb.fInX = FALSE;
        dcb.fDtrControl = DTR_CONTROL_ENABLE;
        dcb.fRtsControl = RTS_CONTROL_ENABLE;
        SetCommState(h, &dcb);
    }
    /* Return as soon as the buffer is empty once a byte came; wait at most READ_WAIT_MS for the first. */
    COMMTIMEOUTS t = {1, 0, READ_WAIT_MS, 0, 0};
    SetCommTimeouts(h, &t);
    PurgeComm(h, PURGE_RXCLEAR | PURGE_TXCLEAR);
    p->in = p->out = h;
    return 0;
}

size_t port_read(port *p, unsigned char *buf, size_t cap)
{
    if (p->is_pipe) {
        WaitForSingleObject(g_pipe.ready, READ_WAIT_MS);
        EnterCriticalSection(&g_pipe.lock);
        size_t take = g_pipe.n < cap ? g_pipe.n : cap;
        memcpy(buf, g_pipe.buf, take);
        memmove(g_pipe.buf, g_pipe.buf + take, g_pipe.n - take);
        g_pipe.n -= take;
        int eof = g_pipe.eof && g_pipe.n == 0;
        LeaveCriticalSection(&g_pipe.lock);
        /* The host closed our stdin: nobody is left to serve. */
        if (take == 0 && eof) ExitProcess(0);
        return take;
    }
    DWORD got = 0;
    if (!ReadFile(p->in, buf, (DWORD)cap, &got, NULL)) {
        Sleep(READ_WAIT_MS);
        return 0;
    }
    return got;
}

int port_write(port *p, const void *data, size_t n)
{
    const unsigned char *c = data;
    while (n > 0) {
        DWORD done = 0;
        if (!WriteFile(p->out, c, (DWORD)n, &done, NULL)) return (int)GetLastError();
        if (done == 0) Sleep(1);
        c += done;
        n -= done;
    }
    return 0;
}
