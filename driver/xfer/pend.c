/*
 * PEND requests wait here until COMPLETE or until they are cancelled (CancelIoEx, or their handle's
 * cleanup). The classic cancel-safe queue: an IRP is either in the list with its cancel routine set, or
 * owned by whoever took it out; IoSetCancelRoutine's exchange decides which side completes it.
 */
#include "xfer-internal.h"

static LIST_ENTRY g_pending = {&g_pending, &g_pending};
static KSPIN_LOCK g_lock;

static DRIVER_CANCEL cancel_pending;

static VOID NTAPI cancel_pending(PDEVICE_OBJECT device, PIRP irp)
{
    KIRQL old;
    UNREFERENCED_PARAMETER(device);
    IoReleaseCancelSpinLock(irp->CancelIrql);
    KeAcquireSpinLock(&g_lock, &old);
    RemoveEntryList(&irp->Tail.Overlay.ListEntry);
    KeReleaseSpinLock(&g_lock, old);
    DbgPrint("xfer: PEND cancelled\n");
    XferComplete(irp, STATUS_CANCELLED, 0);
}

NTSTATUS PendQueue(PIRP irp)
{
    KIRQL old;
    KeAcquireSpinLock(&g_lock, &old);
    IoSetCancelRoutine(irp, cancel_pending);
    if (irp->Cancel && IoSetCancelRoutine(irp, NULL) != NULL) {
        /* Cancelled before it was queued, and the routine was not called: complete it here. */
        KeReleaseSpinLock(&g_lock, old);
        return XferComplete(irp, STATUS_CANCELLED, 0);
    }
    IoMarkIrpPending(irp);
    InsertTailList(&g_pending, &irp->Tail.Overlay.ListEntry);
    KeReleaseSpinLock(&g_lock, old);
    DbgPrint("xfer: PEND queued\n");
    return STATUS_PENDING;
}

/* Takes out the first request of `file` (any file when NULL) that is not being cancelled, or NULL. */
static PIRP take(PFILE_OBJECT file)
{
    KIRQL old;
    PIRP found = NULL;
    KeAcquireSpinLock(&g_lock, &old);
    for (PLIST_ENTRY e = g_pending.Flink; e != &g_pending; e = e->Flink) {
        PIRP irp = CONTAINING_RECORD(e, IRP, Tail.Overlay.ListEntry);
        if (file && IoGetCurrentIrpStackLocation(irp)->FileObject != file)
            continue;
        /* NULL: its cancel routine is running (or about to) and will complete it. */
        if (IoSetCancelRoutine(irp, NULL) == NULL)
            continue;
        RemoveEntryList(e);
        found = irp;
        break;
    }
    KeReleaseSpinLock(&g_lock, old);
    return found;
}

ULONG PendCompleteAll(VOID)
{
    ULONG n = 0;
    PIRP irp;
    while ((irp = take(NULL)) != NULL) {
        PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(irp);
        ULONG_PTR copied;
        NTSTATUS status = RecordFetch(irp->AssociatedIrp.SystemBuffer, stack->Parameters.DeviceIoControl.OutputBufferLength, &copied);
        XferComplete(irp, status, copied);
        n++;
    }
    DbgPrint("xfer: COMPLETE finished %lu pending\n", (unsigned long)n);
    return n;
}

VOID PendCancelFile(PFILE_OBJECT file)
{
    PIRP irp;
    while ((irp = take(file)) != NULL)
        XferComplete(irp, STATUS_CANCELLED, 0);
}
