/*
 * Loading lab-prints.dll into a driver host and starting it (prints/lab-prints.c says why), while the host
 * still runs and before the monitor attaches: a thread of the host loads the DLL (LoadLibraryW, at the same
 * address in every process of a Wine session, as ntdll is), a second one runs lab_prints_start with the
 * session's stderr duplicated into the host and the prints' token. Where any step fails, the host's
 * DbgPrints stay debug events, handled in events.c as before: slower, but every one is still seen.
 */
#include "monitor.h"

#include <stdio.h>
#include <string.h>

#define START_WAIT_MS 10000

/* Runs `fn(param)` in a new thread of `process` and returns its exit code, or 0. */
static DWORD run_remote(HANDLE process, uint64_t fn, uint64_t param)
{
    DWORD code = 0;
    HANDLE thread = CreateRemoteThread(process, NULL, 0, (LPTHREAD_START_ROUTINE)(uintptr_t)fn, (void *)(uintptr_t)param, 0, NULL);
    if (!thread) return 0;
    if (WaitForSingleObject(thread, START_WAIT_MS) != WAIT_OBJECT_0 || !GetExitCodeThread(thread, &code)) code = 0;
    CloseHandle(thread);
    return code;
}

/* lab_prints_start's offset in the DLL, read from the file without running any of it. */
static uint64_t start_offset(const wchar_t *dll)
{
    HMODULE local = LoadLibraryExW(dll, NULL, DONT_RESOLVE_DLL_REFERENCES);
    FARPROC fn = local ? GetProcAddress(local, "lab_prints_start") : NULL;
    uint64_t offset = fn ? (uint64_t)(uintptr_t)fn - (uint64_t)(uintptr_t)local : 0;
    if (local) FreeLibrary(local);
    return offset;
}

int host_prints_start(host_t *h, const wchar_t *dll, const char *token)
{
    const wchar_t *name = wcsrchr(dll, L'\\');
    uint64_t offset = start_offset(dll), load = (uint64_t)(uintptr_t)GetProcAddress(GetModuleHandleW(L"kernel32.dll"), "LoadLibraryW");
    size_t path_bytes = (wcslen(dll) + 1) * sizeof(wchar_t);
    if (!offset || !load || path_bytes > 0x800) return 0;
    HANDLE process = OpenProcess(PROCESS_CREATE_THREAD | PROCESS_VM_OPERATION | PROCESS_VM_WRITE | PROCESS_VM_READ | PROCESS_QUERY_INFORMATION | PROCESS_DUP_HANDLE, FALSE, h->pid);
    if (!process) return 0;
    int on = 0;
    HANDLE out = NULL;
    /* One page in the host: the DLL's path, then the configuration. */
    unsigned char *page = VirtualAllocEx(process, NULL, 0x1000, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
    prints_config config;
    memset(&config, 0, sizeof config);
    snprintf(config.token, sizeof config.token, "%s", token);
    if (page && WriteProcessMemory(process, page, dll, path_bytes, NULL)) {
        /* LoadLibraryW's result comes back cut to 32 bits (a thread's exit code): the base is looked up. */
        run_remote(process, load, (uint64_t)(uintptr_t)page);
        uint64_t base = module_base(h->pid, name ? name + 1 : dll);
        if (base && DuplicateHandle(GetCurrentProcess(), GetStdHandle(STD_ERROR_HANDLE), process, &out, 0, FALSE, DUPLICATE_SAME_ACCESS)) {
            config.out = out;
            if (WriteProcessMemory(process, page + 0x800, &config, sizeof config, NULL)) on = run_remote(process, base + offset, (uint64_t)(uintptr_t)(page + 0x800)) == 1;
        }
    }
    /* A host that does not write its prints does not keep the pipe open either. */
    if (out && !on) DuplicateHandle(process, out, NULL, NULL, 0, FALSE, DUPLICATE_CLOSE_SOURCE);
    if (page) VirtualFreeEx(process, page, 0, MEM_RELEASE);
    CloseHandle(process);
    return on;
}
