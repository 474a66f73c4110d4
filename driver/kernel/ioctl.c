/*
 * IRP_MJ_DEVICE_CONTROL. Both IOCTLs are METHOD_BUFFERED, so the I/O manager has already copied the input
 * into SystemBuffer and will copy Information bytes of it back out; the driver never touches user memory.
 * The I/O manager also enforces the CTL_CODE access bits before the IRP gets here.
 */
#include "objdev-internal.h"

#if defined(MUTANT_CRASH_ON_LENGTH) || defined(MUTANT_HANG_ON_LENGTH)
/* Faults on purpose, so the lab's crash and hang handling has something real to catch. */
static VOID fault_on_length(ULONG inLength)
{
#ifdef MUTANT_CRASH_ON_LENGTH
    if (inLength == OBJDEV_CRASH_LEN) {
        /* Read through a volatile so the compiler cannot turn the store into a trap instruction. */
        volatile ULONG *volatile target = NULL;
        *target = 0xDEAD;
    }
#endif
#ifdef MUTANT_HANG_ON_LENGTH
    if (inLength == OBJDEV_HANG_LEN) {
        KEVENT never;
        KeInitializeEvent(&never, NotificationEvent, FALSE);
        KeWaitForSingleObject(&never, Executive, KernelMode, FALSE, NULL);
    }
#endif
}
#elif defined(FIXTURE_BUGCHECK_ON_LENGTH)
/* driver/fixtures/bugcheck-on-length.c: a real bugcheck, for the VM target's tests. */
static VOID fault_on_length(ULONG inLength)
{
    if (inLength == FIXTURE_BUGCHECK_ON_LENGTH) KeBugCheckEx(0xE2 /* MANUALLY_INITIATED_CRASH */, inLength, 0x1AB, 0, 0);
}
#else
#define fault_on_length(inLength) ((void)(inLength))
#endif

NTSTATUS NTAPI ObjdevDeviceControl(PDEVICE_OBJECT device, PIRP irp)
{
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(irp);
    ULONG code = stack->Parameters.DeviceIoControl.IoControlCode;
    ULONG inLength = stack->Parameters.DeviceIoControl.InputBufferLength;
    ULONG outLength = stack->Parameters.DeviceIoControl.OutputBufferLength;
    UCHAR *buffer = irp->AssociatedIrp.SystemBuffer;
    ULONG_PTR information = 0;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(device);

    switch (code) {
    case IOCTL_OBJECT_TEST_REFLECT:
        fault_on_length(inLength);
        status = MessageStore(buffer, inLength);
        break;
    case IOCTL_OBJECT_TEST_READ:
        status = MessageFetch(buffer, outLength, &information);
#ifndef MUTANT_MISSING_BREAK
        break;
#endif
    default:
#ifdef MUTANT_WRONG_ERROR_CODES
        status = STATUS_INVALID_PARAMETER;
#else
        status = STATUS_INVALID_DEVICE_REQUEST;
#endif
        information = 0;
        break;
    }

    /* Logged before completion, so the line is in the log by the time the caller sees the result. */
    LogIoctl(code, inLength, outLength, status, information);

    irp->IoStatus.Status = status;
    irp->IoStatus.Information = information;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
#ifdef MUTANT_STATUS_MISMATCH
    return STATUS_SUCCESS;
#else
    /* The I/O manager (Wine's too) reports what dispatch returns, so it must equal IoStatus.Status. */
    return status;
#endif
}
