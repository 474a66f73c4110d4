/*
 * lab-anchor.sys: a kernel driver that does nothing. lab-monitor starts it first in a service group of its
 * own, so Wine makes that group's driver host (winedevice.exe) before the driver under test is loaded into
 * it, and the monitor can attach to the host in time to see that driver's DriverEntry. Wine target only.
 */
#include <ntddk.h>

static DRIVER_UNLOAD AnchorUnload;

static VOID AnchorUnload(PDRIVER_OBJECT driver)
{
    UNREFERENCED_PARAMETER(driver);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT driver, PUNICODE_STRING registryPath)
{
    UNREFERENCED_PARAMETER(registryPath);
    driver->DriverUnload = AnchorUnload;
    return STATUS_SUCCESS;
}
