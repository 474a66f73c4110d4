/*
 * lab-prints.dll: a driver host's DbgPrint lines written by the host itself, in the monitor's format.
 *
 * Under Wine a DbgPrint reaches a debugger as a debug event, and Wine makes each one a round trip through
 * wineserver that stops every thread of the host and starts them again: about 36 context switches per
 * DbgPrint, against a few microseconds for the call itself. A driver that prints on every request runs
 * several times slower watched than not. So lab-monitor loads this DLL into each host before the driver
 * under test is there (host-prints.c), and lab_prints_start sends ntdll's DbgPrint functions here: each
 * call is formatted as Wine formats it (ntdll's own _vsnprintf, into the same 1,024 bytes, the same prefix
 * and level rule) and written as one `print` line, cut at 512 bytes by the same code the monitor uses
 * (line.c), to the session's stderr before the call returns: so a line still comes before anything the
 * guest runner writes after the request that printed it, and before the host's end if it dies next.
 * The lines carry a token of their own (the monitor's own stays out of the host): lab reads only `print`
 * lines under it. Faults, the host's end and everything else stay the debugger's.
 */
#include "../monitor.h"

#include <string.h>

typedef int(__cdecl *format_fn)(char *, size_t, const char *, va_list);

static format_fn g_format;

/*
 * Wine's vDbgPrintExWithPrefix, with the debug event's part replaced by the line. What faults there (a NULL
 * prefix, a bad %s argument) faults here too, in the same C library functions, called from the driver.
 */
static ULONG print(const char *prefix, ULONG level, const char *fmt, va_list args)
{
    ULONG mask = level <= 31 ? 1u << level : level;
    char buf[MON_PRINT_READ + 1];
    size_t len = strnlen(prefix, MON_PRINT_READ - 1);
    memcpy(buf, prefix, len);
    g_format(buf + len, MON_PRINT_READ - len, fmt, args);
    buf[MON_PRINT_READ] = 0; /* a message that filled the buffer has no NUL of its own: "at least 1,024" */
    /* Only error-level prints reach a debugger (DbgPrint's level; DbgPrintEx's when it asks for it). */
    if (mask & (1u << 0)) line_print(GetCurrentProcessId(), GetCurrentThreadId(), buf, strnlen(buf, MON_PRINT_READ), 0);
    return 0; /* STATUS_SUCCESS */
}

static ULONG __cdecl hook_DbgPrint(const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    ULONG status = print("", 0, fmt, args);
    va_end(args);
    return status;
}

static ULONG __cdecl hook_DbgPrintEx(ULONG id, ULONG level, const char *fmt, ...)
{
    va_list args;
    (void)id;
    va_start(args, fmt);
    ULONG status = print("", level, fmt, args);
    va_end(args);
    return status;
}

static ULONG NTAPI hook_vDbgPrintEx(ULONG id, ULONG level, const char *fmt, va_list args)
{
    (void)id;
    return print("", level, fmt, args);
}

static ULONG NTAPI hook_vDbgPrintExWithPrefix(const char *prefix, ULONG id, ULONG level, const char *fmt, va_list args)
{
    (void)id;
    return print(prefix, level, fmt, args);
}

/* The function's first bytes become `jmp [rip+0]` and the hook's address: 14 bytes, each export is longer. */
static int redirect(HMODULE ntdll, const char *name, void *hook)
{
    unsigned char *at = (unsigned char *)GetProcAddress(ntdll, name), jump[14] = {0xFF, 0x25, 0, 0, 0, 0};
    DWORD old;
    if (!at || !VirtualProtect(at, sizeof jump, PAGE_EXECUTE_READWRITE, &old)) return 0;
    uint64_t target = (uint64_t)(uintptr_t)hook;
    memcpy(jump + 6, &target, sizeof target);
    memcpy(at, jump, sizeof jump);
    VirtualProtect(at, sizeof jump, old, &old);
    FlushInstructionCache(GetCurrentProcess(), at, sizeof jump);
    return 1;
}

/*
 * Run by the monitor in a thread of the host, before it attaches. Returns 1 once every DbgPrint export is
 * redirected, 0 when none is (then DbgPrint stays a debug event). Wine 8's DbgPrint, DbgPrintEx and
 * vDbgPrintEx all call vDbgPrintExWithPrefix; each is redirected in case another build inlines it.
 */
__declspec(dllexport) DWORD WINAPI lab_prints_start(void *param)
{
    const prints_config *config = param;
    HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
    g_format = ntdll ? (format_fn)(void *)GetProcAddress(ntdll, "_vsnprintf") : NULL;
    if (!g_format || !config->out) return 0;
    char token[sizeof config->token];
    memcpy(token, config->token, sizeof token);
    token[sizeof token - 1] = 0;
    line_init(token, config->out);
    /* Before the driver under test is loaded: nothing in the host prints while the code is rewritten. */
    if (!redirect(ntdll, "vDbgPrintExWithPrefix", (void *)hook_vDbgPrintExWithPrefix)) return 0;
    redirect(ntdll, "vDbgPrintEx", (void *)hook_vDbgPrintEx);
    redirect(ntdll, "DbgPrintEx", (void *)hook_DbgPrintEx);
    redirect(ntdll, "DbgPrint", (void *)hook_DbgPrint);
    return 1;
}

BOOL WINAPI DllMain(HINSTANCE dll, DWORD reason, void *reserved)
{
    (void)dll;
    (void)reason;
    (void)reserved;
    return TRUE;
}
