/*
 * Loading and unloading the driver through the service control manager, the way Windows and Wine both
 * load kernel drivers (a SERVICE_KERNEL_DRIVER service; Wine hosts it in winedevice.exe). Every failure
 * is the Win32 error of the call that failed, so the host can tell 577 (signature) from 2 (no file).
 */
#include "service.h"
#include "text.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define STOP_WAIT_MS 10000

/*
 * Under the Wine target, lab-monitor (driver/monitor) sets LAB_SERVICE_GROUP_PREFIX: service S goes into
 * load-order group prefix + S, the group whose driver host the monitor is attached to. Elsewhere: none.
 */
static wchar_t *service_group(const wchar_t *name)
{
    const wchar_t *prefix = _wgetenv(L"LAB_SERVICE_GROUP_PREFIX");
    if (!prefix || !*prefix) return NULL;
    size_t n = wcslen(prefix) + wcslen(name) + 1;
    wchar_t *group = malloc(n * sizeof *group);
    if (group) {
        wcscpy(group, prefix);
        wcscat(group, name);
    }
    return group;
}

static DWORD load_once(const char *service, const wchar_t *image)
{
    DWORD e = 0;
    int created = 1;
    SC_HANDLE scm = NULL, svc = NULL;
    wchar_t *name = utf8_to_wide(service, strlen(service)), *group = NULL;
    if (!name) return ERROR_INVALID_NAME;
    group = service_group(name);
    scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_ALL_ACCESS);
    if (!scm) {
        e = GetLastError();
        goto done;
    }
    svc = CreateServiceW(scm, name, name, SERVICE_ALL_ACCESS, SERVICE_KERNEL_DRIVER, SERVICE_DEMAND_START,
                         SERVICE_ERROR_NORMAL, image, group, NULL, NULL, NULL, NULL);
    if (!svc) {
        e = GetLastError();
        if (e != ERROR_SERVICE_EXISTS) goto done;
        /* Left over from an earlier run (or made by hand): point it at this plan's image. */
        created = 0;
        e = 0;
        svc = OpenServiceW(scm, name, SERVICE_ALL_ACCESS);
        if (!svc) {
            e = GetLastError();
            goto done;
        }
        if (!ChangeServiceConfigW(svc, SERVICE_KERNEL_DRIVER, SERVICE_DEMAND_START, SERVICE_ERROR_NORMAL, image, group,
                                  NULL, NULL, NULL, NULL, NULL)) {
            e = GetLastError();
            goto done;
        }
    }
    if (!StartServiceW(svc, 0, NULL)) {
        e = GetLastError();
        if (e == ERROR_SERVICE_ALREADY_RUNNING) e = 0;
    }
    if (e && created) DeleteService(svc);
done:
    if (svc) CloseServiceHandle(svc);
    if (scm) CloseServiceHandle(scm);
    free(name);
    free(group);
    return e;
}

/*
 * The service control manager can answer 1722 (RPC server unavailable) while it is still starting: seen
 * under Wine on a loaded machine, right at the start of a session. That is the machine, not the driver:
 * try again for up to 3 s before reporting it (the host then retries on a clean target).
 */
DWORD svc_load(const char *service, const wchar_t *image)
{
    DWORD e = load_once(service, image);
    for (int tries = 0; e == RPC_S_SERVER_UNAVAILABLE && tries < 15; tries++) {
        Sleep(200);
        e = load_once(service, image);
    }
    return e;
}

DWORD svc_unload(const char *service)
{
    DWORD e = 0;
    SC_HANDLE scm = NULL, svc = NULL;
    SERVICE_STATUS st;
    wchar_t *name = utf8_to_wide(service, strlen(service));
    if (!name) return ERROR_INVALID_NAME;
    scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_ALL_ACCESS);
    if (!scm) {
        e = GetLastError();
        goto done;
    }
    svc = OpenServiceW(scm, name, SERVICE_STOP | SERVICE_QUERY_STATUS | DELETE);
    if (!svc) {
        e = GetLastError();
        goto done;
    }
    if (!ControlService(svc, SERVICE_CONTROL_STOP, &st)) {
        DWORD c = GetLastError();
        if (c != ERROR_SERVICE_NOT_ACTIVE) e = c; /* already stopped is what we want */
    }
    if (!e) {
        /* Bounded: a driver whose unload hangs must not hang the runner. */
        DWORD start = GetTickCount();
        for (;;) {
            if (!QueryServiceStatus(svc, &st)) {
                e = GetLastError();
                break;
            }
            if (st.dwCurrentState == SERVICE_STOPPED) break;
            if (GetTickCount() - start > STOP_WAIT_MS) {
                e = ERROR_SERVICE_REQUEST_TIMEOUT;
                break;
            }
            Sleep(10);
        }
    }
    /* Deleted even when stopping failed, so the next run starts clean. */
    if (!DeleteService(svc)) {
        DWORD c = GetLastError();
        if (!e) e = c;
    }
done:
    if (svc) CloseServiceHandle(svc);
    if (scm) CloseServiceHandle(scm);
    free(name);
    return e;
}
