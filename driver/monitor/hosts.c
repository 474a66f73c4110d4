/*
 * The driver hosts. Wine runs every kernel driver of one load-order group in one winedevice.exe process, so
 * the monitor starts a driver of its own (lab-anchor.sys) in the group the guest runner will put a service
 * in, and attaches to that process before the driver under test is loaded into it: from its DriverEntry on,
 * every DbgPrint, exception and the host's end reach the monitor.
 */
#include "monitor.h"

#include <stdio.h>
#include <string.h>
#include <tlhelp32.h>

static host_t g_hosts[MON_MAX_HOSTS];

host_t *host_by_pid(DWORD pid)
{
    for (unsigned i = 0; i < MON_MAX_HOSTS; i++)
        if (g_hosts[i].pid == pid) return &g_hosts[i];
    return NULL;
}

host_t *host_add(DWORD pid, const char *service)
{
    host_t *h = host_by_pid(0);
    if (!h) return NULL;
    memset(h, 0, sizeof *h);
    h->pid = pid;
    snprintf(h->service, sizeof h->service, "%s", service);
    return h;
}

void host_remove(host_t *h)
{
    for (unsigned i = 0; i < h->nthreads; i++) CloseHandle(h->threads[i].handle);
    memset(h, 0, sizeof *h);
}

const module_t *host_module_at(const host_t *h, uint64_t address)
{
    for (unsigned i = 0; i < h->nmodules; i++)
        if (address >= h->modules[i].base && address - h->modules[i].base < h->modules[i].size) return &h->modules[i];
    return NULL;
}

/* winedevice.exe processes, and whether one has `module` loaded. */
static unsigned winedevices(DWORD *pids, unsigned max)
{
    unsigned n = 0;
    HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
    PROCESSENTRY32W pe = {.dwSize = sizeof pe};
    if (snap == INVALID_HANDLE_VALUE) return 0;
    for (BOOL ok = Process32FirstW(snap, &pe); ok && n < max; ok = Process32NextW(snap, &pe))
        if (!_wcsicmp(pe.szExeFile, L"winedevice.exe")) pids[n++] = pe.th32ProcessID;
    CloseHandle(snap);
    return n;
}

uint64_t module_base(DWORD pid, const wchar_t *module)
{
    uint64_t base = 0;
    HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPMODULE, pid);
    MODULEENTRY32W me = {.dwSize = sizeof me};
    if (snap == INVALID_HANDLE_VALUE) return 0;
    for (BOOL ok = Module32FirstW(snap, &me); ok && !base; ok = Module32NextW(snap, &me))
        if (!_wcsicmp(me.szModule, module)) base = (uint64_t)(uintptr_t)me.modBaseAddr;
    CloseHandle(snap);
    return base;
}

DWORD hosts_anchor(const wchar_t *anchor_image, const wchar_t *group, const char *service, unsigned k, const prints_t *prints, DWORD *pid)
{
    DWORD before[32], e = 0;
    unsigned nbefore = winedevices(before, 32);
    wchar_t name[32];
    const wchar_t *file = wcsrchr(anchor_image, L'\\');
    file = file ? file + 1 : anchor_image;
    swprintf(name, 32, L"lab-anchor-%u", k);

    *pid = 0;
    SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_ALL_ACCESS), svc = NULL;
    if (!scm) return GetLastError();
    svc = CreateServiceW(scm, name, name, SERVICE_ALL_ACCESS, SERVICE_KERNEL_DRIVER, SERVICE_DEMAND_START,
                         SERVICE_ERROR_NORMAL, anchor_image, group, NULL, NULL, NULL, NULL);
    if (!svc || !StartServiceW(svc, 0, NULL)) e = GetLastError();
    if (svc) CloseServiceHandle(svc);
    CloseServiceHandle(scm);
    if (e) return e;

    /* The one winedevice that is new and holds the anchor is the group's host. */
    DWORD now[32];
    unsigned n = winedevices(now, 32);
    for (unsigned i = 0; i < n && !*pid; i++) {
        int known = 0;
        for (unsigned j = 0; j < nbefore; j++) known |= now[i] == before[j];
        if (!known && !host_by_pid(now[i]) && module_base(now[i], file)) *pid = now[i];
    }
    if (!*pid) return ERROR_NOT_FOUND;
    host_t *h = host_add(*pid, service);
    if (!h) return ERROR_TOO_MANY_MODULES;
    /* While the host still runs: under Wine, what one process does in another, the other's threads do. */
    if (prints->dll) h->prints = host_prints_start(h, prints->dll, prints->token);
    if (!DebugActiveProcess(*pid)) {
        e = GetLastError();
        host_remove(h);
        return e;
    }
    return 0;
}
