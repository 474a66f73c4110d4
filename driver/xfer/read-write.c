/*
 * ReadFile and WriteFile on the record, buffered (the device has DO_BUFFERED_IO): the I/O manager copies
 * between the caller and SystemBuffer. The byte offset is the caller's (or the handle's position).
 */
#include "xfer-internal.h"

static ULONG offset_of(const LARGE_INTEGER *offset)
{
    /* Offsets past the record's reach all mean "past the end". */
    return offset->QuadPart < 0 || offset->QuadPart > XFER_MAX_RECORD + 1 ? XFER_MAX_RECORD + 1 : (ULONG)offset->QuadPart;
}

NTSTATUS NTAPI XferRead(PDEVICE_OBJECT device, PIRP irp)
{
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(irp);
    ULONG length = stack->Parameters.Read.Length;
    ULONG offset = offset_of(&stack->Parameters.Read.ByteOffset);
    ULONG_PTR copied = 0;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(device);
    if (stack->FileObject->FsContext == XFER_NODE_INFO) {
        static const char text[] = XFER_INFO_TEXT;
        ULONG size = sizeof text - 1;
        if (offset >= size) {
            status = STATUS_END_OF_FILE;
        } else {
            copied = size - offset < length ? size - offset : length;
            RtlCopyMemory(irp->AssociatedIrp.SystemBuffer, text + offset, copied);
            status = STATUS_SUCCESS;
        }
    } else {
        status = RecordRead(offset, irp->AssociatedIrp.SystemBuffer, length, &copied);
    }
    DbgPrint("xfer: read %lu at %lu -> 0x%08lX, %lu bytes\n", (unsigned long)length, (unsigned long)offset, (unsigned long)status, (unsigned long)copied);
    return XferComplete(irp, status, copied);
}

NTSTATUS NTAPI XferWrite(PDEVICE_OBJECT device, PIRP irp)
{
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(irp);
    ULONG length = stack->Parameters.Write.Length;
    ULONG offset = offset_of(&stack->Parameters.Write.ByteOffset);
    ULONG_PTR written = 0;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(device);
    if (stack->FileObject->FsContext == XFER_NODE_INFO)
        status = STATUS_MEDIA_WRITE_PROTECTED;
    else
        status = RecordWrite(offset, irp->AssociatedIrp.SystemBuffer, length, &written);
    DbgPrint("xfer: write %lu at %lu -> 0x%08lX\n", (unsigned long)length, (unsigned long)offset, (unsigned long)status);
    return XferComplete(irp, status, written);
}
