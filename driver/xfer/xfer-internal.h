/* What xfer.sys's files share; nothing here is visible outside the driver. */
#ifndef XFER_INTERNAL_H
#define XFER_INTERNAL_H

#include <ntddk.h>
#include "xfer.h"

/* FileObject->FsContext of an open: the device itself, or its read-only `\info` node. */
#define XFER_NODE_DEVICE ((PVOID)0)
#define XFER_NODE_INFO ((PVOID)1)

/* record.c: the one record and the PEND requests waiting for it, under one spin lock */
VOID RecordInit(VOID);
NTSTATUS RecordWrite(ULONG offset, const UCHAR *data, ULONG length, ULONG_PTR *written);
NTSTATUS RecordRead(ULONG offset, UCHAR *out, ULONG outLength, ULONG_PTR *copied);
NTSTATUS RecordReplace(const UCHAR *head, ULONG headLength, const UCHAR *tail, ULONG tailLength);
/* Copies the record into out (cut to outLength: STATUS_BUFFER_OVERFLOW). */
NTSTATUS RecordFetch(UCHAR *out, ULONG outLength, ULONG_PTR *copied);
VOID RecordClear(VOID);

/* pend.c: PEND requests, cancel-safe */
NTSTATUS PendQueue(PIRP irp);
ULONG PendCompleteAll(VOID);
VOID PendCancelFile(PFILE_OBJECT file);

/* user-buffer.c: a METHOD_NEITHER pointer of the caller, checked, locked and mapped (system: NULL for 0 bytes) */
typedef struct {
    PMDL mdl;
    BOOLEAN locked;
    UCHAR *system;
} USER_BUFFER;
NTSTATUS UserBufferLock(USER_BUFFER *b, PVOID address, ULONG length, BOOLEAN writable);
VOID UserBufferRelease(USER_BUFFER *b);

/* control.c */
DRIVER_DISPATCH XferDeviceControl;
/* read-write.c */
DRIVER_DISPATCH XferRead;
DRIVER_DISPATCH XferWrite;

static inline NTSTATUS XferComplete(PIRP irp, NTSTATUS status, ULONG_PTR information)
{
    irp->IoStatus.Status = status;
    irp->IoStatus.Information = information;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
    return status;
}

#endif
