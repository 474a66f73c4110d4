/*
 * objdev.sys: the echo driver of CONTRACT.md. A legacy (non-PnP) driver: the service manager loads it,
 * DriverEntry makes the one device and its symbolic link, unload removes both.
 */
#include "objdev-internal.h"

static DRIVER_UNLOAD ObjdevUnload;
static DRIVER_DISPATCH ObjdevCreateClose;

static NTSTATUS NTAPI ObjdevCreateClose(PDEVICE_OBJECT device, PIRP irp)
{
    UNREFERENCED_PARAMETER(device);
    irp->IoStatus.Status = STATUS_SUCCESS;
    irp->IoStatus.Information = 0;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

/*
 * A second copy of the driver loaded under another service name collides on both names; it must fail its
 * own load and leave the first copy's device alone.
 */
static NTSTATUS create_device(PDRIVER_OBJECT driver)
{
    UNICODE_STRING name, link;
    PDEVICE_OBJECT device = NULL;
    NTSTATUS status;

    RtlInitUnicodeString(&name, OBJDEV_DEVICE_NAME);
    RtlInitUnicodeString(&link, OBJDEV_LINK_NAME);

    status = IoCreateDevice(driver, 0, &name, FILE_DEVICE_UNKNOWN, FILE_DEVICE_SECURE_OPEN, FALSE, &device);
#ifndef MUTANT_UNCHECKED_CREATE
    if (!NT_SUCCESS(status))
        return status;
#endif
    /* In the unchecked mutant a failed create leaves device NULL, and this is where that bites. */
    device->Flags |= DO_BUFFERED_IO;

    status = IoCreateSymbolicLink(&link, &name);
#ifndef MUTANT_UNCHECKED_CREATE
    if (!NT_SUCCESS(status)) {
        IoDeleteDevice(device);
        return status;
    }
#endif
    device->Flags &= ~DO_DEVICE_INITIALIZING;
    return STATUS_SUCCESS;
}

static VOID NTAPI ObjdevUnload(PDRIVER_OBJECT driver)
{
    UNICODE_STRING link;

    RtlInitUnicodeString(&link, OBJDEV_LINK_NAME);
    IoDeleteSymbolicLink(&link);
    if (driver->DeviceObject)
        IoDeleteDevice(driver->DeviceObject);
    LogEvent("unload", STATUS_SUCCESS);
    LogClose();
}

NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT driver, PUNICODE_STRING registryPath)
{
    NTSTATUS status;

    UNREFERENCED_PARAMETER(registryPath);
    MessageInit();
    LogOpen();
    driver->MajorFunction[IRP_MJ_CREATE] = ObjdevCreateClose;
    driver->MajorFunction[IRP_MJ_CLOSE] = ObjdevCreateClose;
    driver->MajorFunction[IRP_MJ_DEVICE_CONTROL] = ObjdevDeviceControl;
    driver->DriverUnload = ObjdevUnload;

    status = create_device(driver);
#ifdef MUTANT_UNCHECKED_CREATE
    status = STATUS_SUCCESS;
#endif
    LogEvent("DriverEntry", status);
    if (!NT_SUCCESS(status))
        LogClose();
    return status;
}
