/*
 * The objdev IOCTL contract (../shared/CONTRACT.md is the prose version).
 * Shared by the kernel driver, the guest runner and the seed-style client so the three can never
 * disagree on a name, a code or the buffer limit. Works in kernel mode (ntddk.h) and user mode
 * (windows.h + winioctl.h): include one of those first.
 */
#ifndef OBJDEV_H
#define OBJDEV_H

#define OBJDEV_SERVICE_NAME   "objdev"
#define OBJDEV_DEVICE_NAME    L"\\Device\\object_device"
#define OBJDEV_LINK_NAME      L"\\DosDevices\\object_device"
#define OBJDEV_USER_PATH      "\\\\.\\object_device"
#define OBJDEV_LOG_PATH       L"\\??\\C:\\objdev.log"

/* One message of 0 to OBJDEV_MAX_MESSAGE bytes, any byte values. */
#define OBJDEV_MAX_MESSAGE    1024

#define IOCTL_OBJECT_TEST_REFLECT \
    CTL_CODE(FILE_DEVICE_UNKNOWN, 0x801, METHOD_BUFFERED, FILE_READ_DATA | FILE_WRITE_DATA) /* 0x0022E004 */
#define IOCTL_OBJECT_TEST_READ \
    CTL_CODE(FILE_DEVICE_UNKNOWN, 0x802, METHOD_BUFFERED, FILE_READ_DATA | FILE_WRITE_DATA) /* 0x0022E008 */

#endif
