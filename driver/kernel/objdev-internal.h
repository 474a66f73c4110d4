/* What the kernel files share with each other; nothing here is visible outside objdev.sys. */
#ifndef OBJDEV_INTERNAL_H
#define OBJDEV_INTERNAL_H

#include <ntddk.h>
#include "objdev.h"
#include "mutant.h"

/* message.c: the one stored message and its lock */
VOID MessageInit(VOID);
NTSTATUS MessageStore(const UCHAR *data, ULONG length);
NTSTATUS MessageFetch(UCHAR *out, ULONG outLength, ULONG_PTR *copied);

/* ioctl.c */
DRIVER_DISPATCH ObjdevDeviceControl;

/* log.c: one line to DbgPrint and to OBJDEV_LOG_PATH; callers must be at PASSIVE_LEVEL */
VOID LogOpen(VOID);
VOID LogClose(VOID);
VOID LogEvent(const char *what, NTSTATUS status);
VOID LogIoctl(ULONG code, ULONG inLength, ULONG outLength, NTSTATUS status, ULONG_PTR information);

#endif
