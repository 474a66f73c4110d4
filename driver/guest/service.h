/* service.c: the driver through the service control manager. The Win32 error of the call that failed,
 * 0 when loaded (or already running) / stopped and deleted. */
#ifndef LAB_SERVICE_H
#define LAB_SERVICE_H

#include "win.h"

DWORD svc_load(const char *service, const wchar_t *image);
DWORD svc_unload(const char *service);

#endif
