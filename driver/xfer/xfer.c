/*
 * xfer.sys: lab's second example driver (the contract is ../include/xfer.h). A legacy driver with one
 * device, reached through all four transfer methods and through read and write; opens of names under the
 * device, dispositions and share access are checked here, in IRP_MJ_CREATE.
 */
#include "xfer-internal.h"

typedef struct {
    KMUTEX lock;       /* share access is updated by create and cleanup, at PASSIVE_LEVEL */
    SHARE_ACCESS share;
} XFER_EXTENSION;

static DRIVER_UNLOAD XferUnload;
static DRIVER_DISPATCH XferCreate, XferCleanup, XferClose;

static BOOLEAN ends_with_backslash(const UNICODE_STRING *name)
{
    return name->Length >= sizeof(WCHAR) && name->Buffer[name->Length / sizeof(WCHAR) - 1] == L'\\';
}

static BOOLEAN has_stream(const UNICODE_STRING *name)
{
    for (USHORT i = 0; i < name->Length / sizeof(WCHAR); i++)
        if (name->Buffer[i] == L':')
            return TRUE;
    return FALSE;
}

/* What a name under the device opens: the device, its `\info` node, or nothing (the status says why). */
static NTSTATUS node_of(const UNICODE_STRING *name, PVOID *node)
{
    UNICODE_STRING info;
    RtlInitUnicodeString(&info, XFER_INFO_NAME);
    *node = XFER_NODE_DEVICE;
    if (name->Length == 0)
        return STATUS_SUCCESS;
    if (ends_with_backslash(name) || has_stream(name))
        return STATUS_OBJECT_NAME_INVALID;
    if (!RtlEqualUnicodeString(name, &info, TRUE))
        return STATUS_OBJECT_NAME_NOT_FOUND;
    *node = XFER_NODE_INFO;
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI XferCreate(PDEVICE_OBJECT device, PIRP irp)
{
    XFER_EXTENSION *ext = device->DeviceExtension;
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(irp);
    PFILE_OBJECT file = stack->FileObject;
    ULONG disposition = stack->Parameters.Create.Options >> 24;
    PVOID node;
    NTSTATUS status;

    /* The device always exists: it can be opened, never created or replaced. */
    if (disposition == FILE_CREATE)
        status = STATUS_OBJECT_NAME_COLLISION;
    else if (disposition != FILE_OPEN && disposition != FILE_OPEN_IF)
        status = STATUS_INVALID_DEVICE_REQUEST;
    else
        status = node_of(&file->FileName, &node);

    if (NT_SUCCESS(status) && node == XFER_NODE_DEVICE) {
        /* Wine 8 passes no security context (and no disposition: it opens devices whatever create says). */
        PIO_SECURITY_CONTEXT security = stack->Parameters.Create.SecurityContext;
        ACCESS_MASK access = security ? security->DesiredAccess : 0;
        KeWaitForSingleObject(&ext->lock, Executive, KernelMode, FALSE, NULL);
        status = IoCheckShareAccess(access, stack->Parameters.Create.ShareAccess, file, &ext->share, TRUE);
        KeReleaseMutex(&ext->lock, FALSE);
    }
    if (NT_SUCCESS(status))
        file->FsContext = node;
    DbgPrint("xfer: create '%.*ls' disposition %lu -> 0x%08lX\n", (int)(file->FileName.Length / sizeof(WCHAR)),
             file->FileName.Buffer ? file->FileName.Buffer : L"", disposition, (unsigned long)status);
    return XferComplete(irp, status, 0);
}

static NTSTATUS NTAPI XferCleanup(PDEVICE_OBJECT device, PIRP irp)
{
    XFER_EXTENSION *ext = device->DeviceExtension;
    PFILE_OBJECT file = IoGetCurrentIrpStackLocation(irp)->FileObject;

    PendCancelFile(file);
    if (file->FsContext == XFER_NODE_DEVICE) {
        KeWaitForSingleObject(&ext->lock, Executive, KernelMode, FALSE, NULL);
        IoRemoveShareAccess(file, &ext->share);
        KeReleaseMutex(&ext->lock, FALSE);
    }
    return XferComplete(irp, STATUS_SUCCESS, 0);
}

static NTSTATUS NTAPI XferClose(PDEVICE_OBJECT device, PIRP irp)
{
    UNREFERENCED_PARAMETER(device);
    return XferComplete(irp, STATUS_SUCCESS, 0);
}

static VOID NTAPI XferUnload(PDRIVER_OBJECT driver)
{
    UNICODE_STRING link;
    RtlInitUnicodeString(&link, XFER_LINK_NAME);
    IoDeleteSymbolicLink(&link);
    if (driver->DeviceObject)
        IoDeleteDevice(driver->DeviceObject);
    DbgPrint("xfer: unload (version %u)\n", XFER_VERSION);
}

NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT driver, PUNICODE_STRING registryPath)
{
    UNICODE_STRING name, link;
    PDEVICE_OBJECT device = NULL;
    XFER_EXTENSION *ext;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(registryPath);
    RecordInit();
    driver->MajorFunction[IRP_MJ_CREATE] = XferCreate;
    driver->MajorFunction[IRP_MJ_CLEANUP] = XferCleanup;
    driver->MajorFunction[IRP_MJ_CLOSE] = XferClose;
    driver->MajorFunction[IRP_MJ_READ] = XferRead;
    driver->MajorFunction[IRP_MJ_WRITE] = XferWrite;
    driver->MajorFunction[IRP_MJ_DEVICE_CONTROL] = XferDeviceControl;
    driver->DriverUnload = XferUnload;

    RtlInitUnicodeString(&name, XFER_DEVICE_NAME);
    RtlInitUnicodeString(&link, XFER_LINK_NAME);
    status = IoCreateDevice(driver, sizeof(XFER_EXTENSION), &name, XFER_DEVICE_TYPE, FILE_DEVICE_SECURE_OPEN, FALSE, &device);
    if (!NT_SUCCESS(status))
        return status;
    ext = device->DeviceExtension;
    KeInitializeMutex(&ext->lock, 0);
    RtlZeroMemory(&ext->share, sizeof ext->share);
    device->Flags |= DO_BUFFERED_IO;
    status = IoCreateSymbolicLink(&link, &name);
    if (!NT_SUCCESS(status)) {
        IoDeleteDevice(device);
        return status;
    }
    device->Flags &= ~DO_DEVICE_INITIALIZING;
    DbgPrint("xfer: DriverEntry (version %u)\n", XFER_VERSION);
    return STATUS_SUCCESS;
}
