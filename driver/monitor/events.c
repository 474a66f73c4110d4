/*
 * The debug loop over every attached host. What each event becomes:
 * - a DbgPrint (Wine raises DBG_PRINTEXCEPTION_C for each when the process is being debugged, and
 *   WaitForDebugEvent hands it over as OUTPUT_DEBUG_STRING_EVENT): a `print` line, cut at 512 bytes as
 *   Windows cuts it, with how much the driver printed;
 * - a first-chance exception: remembered (a driver may handle it), passed on;
 * - a second-chance exception: a `fault` line (code, address, module and offset, the stub's name for a
 *   call to a function Wine does not implement) and the thread's frames, then passed on, so the host dies
 *   as it would have;
 * - the host ending itself (KeBugCheckEx, ZwTerminateProcess, ExitProcess all end in ntdll's
 *   NtTerminateProcess, where the monitor keeps a breakpoint): an `ending` line with the exit status and
 *   the calling thread's frames, while the host still runs;
 * - the host's end, whatever the cause: an `exit` line with the exit code and the exceptions just before.
 * `fault` and `ending` are written while the host is stopped, so they reach the pipe before the guest
 * runner can see the host gone (its pending request failing); `exit` may come after. Each is followed by
 * its frames and a `done` line.
 */
#include "monitor.h"

#include <dbghelp.h>
#include <stdio.h>
#include <string.h>

static uint64_t image_size(HANDLE process, uint64_t base)
{
    IMAGE_DOS_HEADER dos;
    IMAGE_NT_HEADERS64 nt;
    SIZE_T got;
    if (!ReadProcessMemory(process, (void *)(uintptr_t)base, &dos, sizeof dos, &got) || dos.e_magic != IMAGE_DOS_SIGNATURE) return 0x1000;
    if (!ReadProcessMemory(process, (void *)(uintptr_t)(base + (uint32_t)dos.e_lfanew), &nt, sizeof nt, &got)) return 0x1000;
    return nt.OptionalHeader.SizeOfImage ? nt.OptionalHeader.SizeOfImage : 0x1000;
}

static void on_module(host_t *h, HANDLE file, uint64_t base)
{
    wchar_t path[MAX_PATH + 8] = L"";
    if (file) {
        DWORD n = GetFinalPathNameByHandleW(file, path, MAX_PATH + 8, 0);
        if (n == 0 || n >= MAX_PATH + 8) path[0] = 0;
    }
    const wchar_t *shown = wcsncmp(path, L"\\\\?\\", 4) ? path : path + 4;
    const wchar_t *name = wcsrchr(shown, L'\\');
    name = name ? name + 1 : shown;
    uint64_t size = image_size(h->process, base);
    if (h->nmodules < MON_MAX_MODULES) {
        module_t *m = &h->modules[h->nmodules++];
        m->base = base;
        m->size = size;
        swprintf(m->name, 64, L"%ls", name);
    }
    /* dbghelp reads the image (its unwind data, its exports) through the debug event's handle: Wine's own
     * modules may have no DOS path in the prefix (a template without a Z: drive). */
    SymLoadModuleExW(h->process, file, shown[0] ? shown : NULL, NULL, base, (DWORD)size, NULL, 0);
    if (file) CloseHandle(file);
    /* Loads after the attach are drivers (the one under test among them); the rest is Wine's own. */
    if (!h->attached) return;
    line_t l;
    line_begin(&l, "module");
    line_u64(&l, "pid", h->pid);
    line_hex(&l, "base", base);
    line_hex(&l, "size", size);
    line_wstr(&l, "path", shown);
    line_end(&l);
}

static void on_unload(host_t *h, uint64_t base)
{
    for (unsigned i = 0; i < h->nmodules; i++) {
        if (h->modules[i].base != base) continue;
        line_t l;
        line_begin(&l, "unmodule");
        line_u64(&l, "pid", h->pid);
        line_hex(&l, "base", base);
        line_wstr(&l, "name", h->modules[i].name);
        line_end(&l);
        SymUnloadModule64(h->process, base);
        h->modules[i] = h->modules[--h->nmodules];
        return;
    }
}

/*
 * One DbgPrint. Wine formats it into 1024 bytes and passes strlen + 1, which overruns when the message
 * filled the buffer (Wine's vsnprintf leaves it unterminated): only the first 1024 bytes are the message.
 */
static void on_print(host_t *h, DWORD tid, uint64_t address, size_t length, int wide)
{
    union {
        char a[MON_PRINT_READ];
        wchar_t w[MON_PRINT_READ];
    } text;
    size_t unit = wide ? sizeof(wchar_t) : 1, want = length && length < MON_PRINT_READ ? length : MON_PRINT_READ, n = 0;
    SIZE_T got = 0;
    /* A read that crosses into an unmapped page fails whole: retry up to the page's end. */
    if (!ReadProcessMemory(h->process, (void *)(uintptr_t)address, &text, want * unit, &got) && got == 0) {
        size_t to_page = 0x1000 - (size_t)(address & 0xFFF);
        if (to_page < want * unit) ReadProcessMemory(h->process, (void *)(uintptr_t)address, &text, to_page, &got);
    }
    got /= unit;
    while (n < got && (wide ? text.w[n] != 0 : text.a[n] != 0)) n++;
    line_print(h->pid, tid, &text, n, wide);
}

static void remember(host_t *h, DWORD tid, const EXCEPTION_RECORD *r)
{
    if (h->nrecent == MON_RECENT) {
        memmove(&h->recent[0], &h->recent[1], (MON_RECENT - 1) * sizeof h->recent[0]);
        h->nrecent--;
    }
    exc_t *e = &h->recent[h->nrecent++];
    e->code = r->ExceptionCode;
    e->tid = tid;
    e->address = (uint64_t)(uintptr_t)r->ExceptionAddress;
    e->nparams = r->NumberParameters < 4 ? r->NumberParameters : 4;
    for (uint32_t i = 0; i < e->nparams; i++) e->params[i] = r->ExceptionInformation[i];
}

static void put_where(line_t *l, const host_t *h, uint64_t address)
{
    const module_t *m = host_module_at(h, address);
    if (!m) return;
    line_wstr(l, "module", m->name);
    line_hex(l, "offset", address - m->base);
}

/* The name of a function Wine does not implement, from its stub's exception (dll and function name). */
static void put_stub(line_t *l, host_t *h, const EXCEPTION_RECORD *r)
{
    char dll[128] = "", fn[256] = "", both[400];
    SIZE_T got;
    if (r->NumberParameters < 2) return;
    ReadProcessMemory(h->process, (void *)r->ExceptionInformation[0], dll, sizeof dll - 1, &got);
    ReadProcessMemory(h->process, (void *)r->ExceptionInformation[1], fn, sizeof fn - 1, &got);
    dll[sizeof dll - 1] = fn[sizeof fn - 1] = 0;
    snprintf(both, sizeof both, "%s.%s", dll, fn);
    line_str(l, "stub", both, strlen(both));
}

#define EXCEPTION_WINE_STUB 0x80000100

static void done(host_t *h)
{
    line_t l;
    line_begin(&l, "done");
    line_u64(&l, "pid", h->pid);
    line_end(&l);
}

static void on_fault(host_t *h, DWORD tid, const EXCEPTION_RECORD *r)
{
    line_t l;
    line_begin(&l, "fault");
    line_u64(&l, "pid", h->pid);
    line_u64(&l, "tid", tid);
    line_hex(&l, "code", r->ExceptionCode);
    line_hex(&l, "address", (uint64_t)(uintptr_t)r->ExceptionAddress);
    put_where(&l, h, (uint64_t)(uintptr_t)r->ExceptionAddress);
    for (DWORD i = 0; i < r->NumberParameters && i < 4; i++) {
        char k[8] = "p0";
        k[1] = (char)('0' + i);
        line_hex(&l, k, r->ExceptionInformation[i]);
    }
    if (r->ExceptionCode == EXCEPTION_WINE_STUB) put_stub(&l, h, r);
    line_end(&l);
    stack_report(h, tid, NULL);
    done(h);
    h->faulted = 1;
    h->ending = 1;
}

/* ---- the breakpoint on NtTerminateProcess ---- */

/* ntdll is mapped at the same address in every process of a Wine session; checked against the host's. */
static uint64_t terminate_address(const host_t *h)
{
    HMODULE local = GetModuleHandleW(L"ntdll.dll");
    FARPROC fn = local ? GetProcAddress(local, "NtTerminateProcess") : NULL;
    if (!fn) return 0;
    for (unsigned i = 0; i < h->nmodules; i++)
        if (!_wcsicmp(h->modules[i].name, L"ntdll.dll")) return h->modules[i].base + ((uint64_t)(uintptr_t)fn - (uint64_t)(uintptr_t)local);
    return 0;
}

static int poke(host_t *h, uint64_t address, unsigned char byte)
{
    SIZE_T n = 0;
    int ok = WriteProcessMemory(h->process, (void *)(uintptr_t)address, &byte, 1, &n) && n == 1;
    FlushInstructionCache(h->process, (void *)(uintptr_t)address, 1);
    return ok;
}

static void arm(host_t *h)
{
    SIZE_T n = 0;
    uint64_t at = terminate_address(h);
    if (!at || !ReadProcessMemory(h->process, (void *)(uintptr_t)at, &h->bp_saved, 1, &n) || n != 1 || !poke(h, at, 0xCC)) {
        line_warning("could not watch NtTerminateProcess in a driver host: a host ending itself is seen only when it is gone", GetLastError());
        return;
    }
    h->bp_address = at;
}

/*
 * The breakpoint hit: a host thread is calling NtTerminateProcess(handle, status). On itself (handle 0 or
 * the current-process pseudo-handle) it is the host's end, announced now. Either way the call goes on:
 * the original byte is back, the thread steps over it, and the breakpoint is put back after the step.
 */
static DWORD on_terminate(host_t *h, DWORD tid)
{
    HANDLE thread = OpenThread(THREAD_GET_CONTEXT | THREAD_SET_CONTEXT, FALSE, tid);
    CONTEXT ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.ContextFlags = CONTEXT_FULL;
    if (!thread || !GetThreadContext(thread, &ctx)) {
        if (thread) CloseHandle(thread);
        return DBG_EXCEPTION_NOT_HANDLED;
    }
    int self = ctx.Rcx == 0 || ctx.Rcx == (DWORD64)-1;
    if (self && !h->ending) {
        line_t l;
        line_begin(&l, "ending");
        line_u64(&l, "pid", h->pid);
        line_u64(&l, "tid", tid);
        line_hex(&l, "status", (uint32_t)ctx.Rdx);
        line_end(&l);
        CONTEXT at = ctx;
        at.Rip = h->bp_address;
        stack_report(h, tid, &at);
        done(h);
        h->ending = 1;
    }
    poke(h, h->bp_address, h->bp_saved);
    ctx.Rip = h->bp_address;
    ctx.EFlags |= 0x100; /* trap flag: one instruction, then EXCEPTION_SINGLE_STEP */
    h->bp_rearm_tid = tid;
    SetThreadContext(thread, &ctx);
    CloseHandle(thread);
    return DBG_CONTINUE;
}

static void on_exit(host_t *h, DWORD code)
{
    line_t l;
    line_begin(&l, "exit");
    line_u64(&l, "pid", h->pid);
    line_hex(&l, "code", code);
    line_u64(&l, "faulted", (uint64_t)h->faulted);
    /* What the host went through just before: a stack overflow, for one, ends it with no second chance. */
    line_raw(&l, ",\"recent\":[");
    for (unsigned i = 0; i < h->nrecent; i++) {
        line_raw(&l, i ? ",{\"x\":0" : "{\"x\":0");
        line_hex(&l, "code", h->recent[i].code);
        line_hex(&l, "address", h->recent[i].address);
        put_where(&l, h, h->recent[i].address);
        line_raw(&l, "}");
    }
    line_raw(&l, "]");
    line_end(&l);
    SymCleanup(h->process);
    host_remove(h);
}

/* One event; returns the pid whose attach breakpoint it was, or 0. */
static DWORD handle(const DEBUG_EVENT *ev)
{
    DWORD cont = DBG_CONTINUE, attached = 0;
    host_t *h = host_by_pid(ev->dwProcessId);
    switch (ev->dwDebugEventCode) {
    case CREATE_PROCESS_DEBUG_EVENT:
        if (h) {
            h->process = ev->u.CreateProcessInfo.hProcess;
            /* Symbols are read only when a stack is walked: attaching stays cheap. */
            SymSetOptions(SymGetOptions() | SYMOPT_DEFERRED_LOADS | SYMOPT_UNDNAME);
            SymInitializeW(h->process, NULL, FALSE);
            on_module(h, ev->u.CreateProcessInfo.hFile, (uint64_t)(uintptr_t)ev->u.CreateProcessInfo.lpBaseOfImage);
        } else if (ev->u.CreateProcessInfo.hFile) {
            CloseHandle(ev->u.CreateProcessInfo.hFile);
        }
        break;
    case LOAD_DLL_DEBUG_EVENT:
        if (h) on_module(h, ev->u.LoadDll.hFile, (uint64_t)(uintptr_t)ev->u.LoadDll.lpBaseOfDll);
        else if (ev->u.LoadDll.hFile) CloseHandle(ev->u.LoadDll.hFile);
        break;
    case UNLOAD_DLL_DEBUG_EVENT:
        if (h) on_unload(h, (uint64_t)(uintptr_t)ev->u.UnloadDll.lpBaseOfDll);
        break;
    case OUTPUT_DEBUG_STRING_EVENT:
        if (h) on_print(h, ev->dwThreadId, (uint64_t)(uintptr_t)ev->u.DebugString.lpDebugStringData, ev->u.DebugString.nDebugStringLength, ev->u.DebugString.fUnicode);
        break;
    case EXCEPTION_DEBUG_EVENT: {
        const EXCEPTION_RECORD *r = &ev->u.Exception.ExceptionRecord;
        if (!h) {
            cont = DBG_EXCEPTION_NOT_HANDLED;
        } else if (!h->attached && r->ExceptionCode == EXCEPTION_BREAKPOINT) {
            /* The breakpoint every attach ends with, in a thread the system made for it. */
            h->attached = 1;
            attached = h->pid;
            arm(h);
        } else if (r->ExceptionCode == EXCEPTION_BREAKPOINT && h->bp_address && (uint64_t)(uintptr_t)r->ExceptionAddress == h->bp_address) {
            cont = on_terminate(h, ev->dwThreadId);
        } else if (r->ExceptionCode == EXCEPTION_SINGLE_STEP && h->bp_rearm_tid == ev->dwThreadId) {
            h->bp_rearm_tid = 0;
            poke(h, h->bp_address, 0xCC);
        } else if ((r->ExceptionCode == DBG_PRINTEXCEPTION_C || r->ExceptionCode == DBG_PRINTEXCEPTION_WIDE_C) && r->NumberParameters >= 2) {
            on_print(h, ev->dwThreadId, r->ExceptionInformation[1], r->ExceptionInformation[0], r->ExceptionCode == DBG_PRINTEXCEPTION_WIDE_C);
        } else {
            /* Every other exception goes on as if no debugger were there: a driver's int3 still kills it. */
            cont = DBG_EXCEPTION_NOT_HANDLED;
            /* A kernel stack overflow is fatal on Windows (and Wine may end the host without a second chance). */
            if (!h->ending && (!ev->u.Exception.dwFirstChance || r->ExceptionCode == EXCEPTION_STACK_OVERFLOW)) on_fault(h, ev->dwThreadId, r);
            else remember(h, ev->dwThreadId, r);
        }
        break;
    }
    case EXIT_PROCESS_DEBUG_EVENT:
        if (h) on_exit(h, ev->u.ExitProcess.dwExitCode);
        break;
    default:
        break;
    }
    ContinueDebugEvent(ev->dwProcessId, ev->dwThreadId, cont);
    return attached;
}

int events_until_attached(DWORD pid, DWORD ms)
{
    DWORD start = GetTickCount();
    for (;;) {
        DEBUG_EVENT ev;
        DWORD left = ms - (GetTickCount() - start);
        if (GetTickCount() - start >= ms || !WaitForDebugEvent(&ev, left)) return 0;
        if (handle(&ev) == pid) return 1;
    }
}

void events_loop(void)
{
    for (;;) {
        DEBUG_EVENT ev;
        if (WaitForDebugEvent(&ev, INFINITE)) handle(&ev);
        else Sleep(50); /* nothing attached (every host ended): the runner's exit ends the process */
    }
}
