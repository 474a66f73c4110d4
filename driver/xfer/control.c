/*
 * IRP_MJ_DEVICE_CONTROL: one IOCTL per transfer method (see ../include/xfer.h), each reading its buffers
 * where that method puts them. The I/O manager has already enforced the CTL_CODE access bits.
 */
#include "xfer-internal.h"

/* METHOD_BUFFERED: input and output share SystemBuffer, so the input is read whole before any output. */
static NTSTATUS tag(PIRP irp, ULONG inLength, ULONG outLength, ULONG_PTR *information)
{
    UCHAR *buffer = irp->AssociatedIrp.SystemBuffer;
    ULONG total = XFER_TAG_PREFIX_LENGTH + inLength;
    ULONG kept;

    if (inLength > XFER_MAX_RECORD)
        return STATUS_INVALID_PARAMETER;
    kept = total < outLength ? total : outLength;
    /* The input moves up to make room for the prefix: RtlMoveMemory copes with the overlap. */
    if (kept > XFER_TAG_PREFIX_LENGTH)
        RtlMoveMemory(buffer + XFER_TAG_PREFIX_LENGTH, buffer, kept - XFER_TAG_PREFIX_LENGTH);
    RtlCopyMemory(buffer, XFER_TAG_PREFIX, kept < XFER_TAG_PREFIX_LENGTH ? kept : XFER_TAG_PREFIX_LENGTH);
    *information = kept;
    return kept < total ? STATUS_BUFFER_OVERFLOW : STATUS_SUCCESS;
}

/* The output buffer of a direct method, mapped into system space; NULL when it cannot be. */
static UCHAR *mapped_output(PIRP irp, ULONG outLength)
{
    if (outLength == 0 || irp->MdlAddress == NULL)
        return NULL;
    return MmGetSystemAddressForMdlSafe(irp->MdlAddress, NormalPagePriority);
}

/* METHOD_IN_DIRECT: the output buffer is read, not written: a second input, probed for reading. */
static NTSTATUS store(PIRP irp, ULONG inLength, ULONG outLength, ULONG_PTR *information)
{
    UCHAR *tail = mapped_output(irp, outLength);
    NTSTATUS status;
    if (outLength && !tail)
        return STATUS_INSUFFICIENT_RESOURCES;
    status = RecordReplace(irp->AssociatedIrp.SystemBuffer, inLength, tail, outLength);
    /* What it took from the output buffer: never more than that buffer holds, as for any IOCTL. */
    *information = NT_SUCCESS(status) ? outLength : 0;
    return status;
}

/* METHOD_OUT_DIRECT: the record into the caller's pages, through the MDL the I/O manager locked. */
static NTSTATUS fetch(PIRP irp, ULONG outLength, ULONG_PTR *information)
{
    UCHAR *out = mapped_output(irp, outLength);
    if (outLength && !out)
        return STATUS_INSUFFICIENT_RESOURCES;
    return RecordFetch(out, outLength, information);
}

/* METHOD_NEITHER: the caller's raw pointers, valid only in its own context: checked, locked and mapped first. */
static NTSTATUS reverse(PIO_STACK_LOCATION stack, PIRP irp, ULONG inLength, ULONG outLength, ULONG_PTR *information)
{
    USER_BUFFER in, out;
    NTSTATUS status;

    if (outLength < inLength)
        return STATUS_BUFFER_TOO_SMALL;
    status = UserBufferLock(&in, stack->Parameters.DeviceIoControl.Type3InputBuffer, inLength, FALSE);
    if (!NT_SUCCESS(status)) {
        UserBufferRelease(&in);
        return status;
    }
    status = UserBufferLock(&out, irp->UserBuffer, outLength, TRUE);
    if (NT_SUCCESS(status)) {
        const UCHAR *src = in.system;
        UCHAR *dst = out.system;
        /* Byte by byte from both ends: input and output may be the very same buffer. */
        for (ULONG i = 0, j = inLength; i < j;) {
            UCHAR a = src[i], z = src[--j];
            dst[i++] = z;
            dst[j] = a;
        }
        *information = inLength;
    }
    UserBufferRelease(&out);
    UserBufferRelease(&in);
    return status;
}

NTSTATUS NTAPI XferDeviceControl(PDEVICE_OBJECT device, PIRP irp)
{
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(irp);
    ULONG code = stack->Parameters.DeviceIoControl.IoControlCode;
    ULONG inLength = stack->Parameters.DeviceIoControl.InputBufferLength;
    ULONG outLength = stack->Parameters.DeviceIoControl.OutputBufferLength;
    ULONG_PTR information = 0;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(device);
    if (stack->FileObject->FsContext == XFER_NODE_INFO) {
        status = STATUS_INVALID_DEVICE_REQUEST;
    } else {
        switch (code) {
        case IOCTL_XFER_TAG:
            status = tag(irp, inLength, outLength, &information);
            break;
        case IOCTL_XFER_STORE:
            status = store(irp, inLength, outLength, &information);
            break;
        case IOCTL_XFER_FETCH:
            status = fetch(irp, outLength, &information);
            break;
        case IOCTL_XFER_REVERSE:
            status = reverse(stack, irp, inLength, outLength, &information);
            break;
        case IOCTL_XFER_PEND:
            return PendQueue(irp);
        case IOCTL_XFER_COMPLETE: {
            ULONG n = PendCompleteAll();
            if (outLength >= sizeof n) {
                RtlCopyMemory(irp->AssociatedIrp.SystemBuffer, &n, sizeof n);
                information = sizeof n;
            }
            status = STATUS_SUCCESS;
            break;
        }
        case IOCTL_XFER_VERSION:
            if (outLength < sizeof(ULONG)) {
                status = STATUS_BUFFER_TOO_SMALL;
            } else {
                *(ULONG *)irp->AssociatedIrp.SystemBuffer = XFER_VERSION;
                information = sizeof(ULONG);
                status = STATUS_SUCCESS;
            }
            break;
        case IOCTL_XFER_CLEAR:
            RecordClear();
            status = STATUS_SUCCESS;
            break;
        default:
            status = STATUS_INVALID_DEVICE_REQUEST;
            break;
        }
    }
    DbgPrint("xfer: ioctl 0x%08lX in %lu out %lu -> 0x%08lX, %lu bytes\n", (unsigned long)code, (unsigned long)inLength,
             (unsigned long)outLength, (unsigned long)status, (unsigned long)information);
    return XferComplete(irp, status, information);
}
