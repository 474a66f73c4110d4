/*
 * A faulting thread's frames, walked with dbghelp (the library winedbg itself uses) over the unwind data of
 * the modules the host has loaded: each frame as module and offset, with the symbol dbghelp knows (Wine's
 * own modules export theirs). The host side names the driver's frames from its debug information.
 */
#include "monitor.h"

#include <dbghelp.h>
#include <string.h>

void stack_report(host_t *h, DWORD tid, const CONTEXT *at)
{
    HANDLE thread = OpenThread(THREAD_GET_CONTEXT | THREAD_QUERY_INFORMATION, FALSE, tid);
    CONTEXT ctx;
    STACKFRAME64 f;
    memset(&ctx, 0, sizeof ctx);
    memset(&f, 0, sizeof f);
    if (at) ctx = *at;
    else {
        ctx.ContextFlags = CONTEXT_FULL;
        if (!thread || !GetThreadContext(thread, &ctx)) {
            line_warning("could not read the faulting thread's registers", GetLastError());
            if (thread) CloseHandle(thread);
            return;
        }
    }
    f.AddrPC.Offset = ctx.Rip;
    f.AddrPC.Mode = AddrModeFlat;
    f.AddrStack.Offset = ctx.Rsp;
    f.AddrStack.Mode = AddrModeFlat;
    f.AddrFrame.Offset = ctx.Rbp;
    f.AddrFrame.Mode = AddrModeFlat;
    for (unsigned n = 0; n < MON_MAX_FRAMES; n++) {
        if (!StackWalk64(IMAGE_FILE_MACHINE_AMD64, h->process, thread, &f, &ctx, NULL, SymFunctionTableAccess64, SymGetModuleBase64, NULL)) break;
        uint64_t pc = f.AddrPC.Offset;
        if (!pc) break;
        line_t l;
        line_begin(&l, "frame");
        line_u64(&l, "pid", h->pid);
        line_u64(&l, "n", n);
        line_hex(&l, "pc", pc);
        const module_t *m = host_module_at(h, pc);
        if (m) {
            line_wstr(&l, "module", m->name);
            line_hex(&l, "offset", pc - m->base);
        }
        union {
            SYMBOL_INFO info;
            char room[sizeof(SYMBOL_INFO) + 256];
        } sym;
        DWORD64 displacement = 0;
        memset(&sym, 0, sizeof sym);
        sym.info.SizeOfStruct = sizeof sym.info;
        sym.info.MaxNameLen = 255;
        if (SymFromAddr(h->process, pc, &displacement, &sym.info)) {
            line_str(&l, "symbol", sym.info.Name, strnlen(sym.info.Name, 255));
            line_hex(&l, "displacement", displacement);
        }
        line_end(&l);
    }
    if (thread) CloseHandle(thread);
}
