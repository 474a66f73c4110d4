/*
 * The xfer driver's contract: the second example driver of lab (suites/xfer.yaml tests it). One record of
 * 0 to XFER_MAX_RECORD bytes, reached through every transfer method and through read and write:
 *
 *   TAG         METHOD_BUFFERED    output = "xfer:" + input, cut to the output buffer (STATUS_BUFFER_OVERFLOW
 *                                  when cut); input over XFER_MAX_RECORD: STATUS_INVALID_PARAMETER
 *   STORE       METHOD_IN_DIRECT   the record becomes input + the output buffer's bytes (the output buffer is
 *                                  a second input); Information = the bytes taken from the output buffer
 *   FETCH       METHOD_OUT_DIRECT  the record into the output buffer, cut (STATUS_BUFFER_OVERFLOW when cut)
 *   REVERSE     METHOD_NEITHER     output = input reversed; both pointers must be ULONG-aligned
 *                                  (STATUS_DATATYPE_MISALIGNMENT), user addresses that stay readable (input)
 *                                  and writable (output) (STATUS_ACCESS_VIOLATION); a NULL pointer with a
 *                                  length is STATUS_INVALID_USER_BUFFER; output shorter than input:
 *                                  STATUS_BUFFER_TOO_SMALL
 *   PEND        METHOD_BUFFERED    pends until COMPLETE (then it returns the record) or until cancelled
 *                                  (STATUS_CANCELLED)
 *   COMPLETE    METHOD_BUFFERED    completes every pending PEND; output: their number as a ULONG
 *   VERSION     METHOD_BUFFERED    output: XFER_VERSION as a ULONG (2 in the upgrade build, xfer-v2.sys)
 *   CLEAR       METHOD_BUFFERED    FILE_WRITE_ACCESS: empties the record
 *   ReadFile    buffered           the record from the byte offset (STATUS_END_OF_FILE at or past its end)
 *   WriteFile   buffered           into the record at the byte offset, extending it (STATUS_DISK_FULL past
 *                                  XFER_MAX_RECORD)
 *
 * Opens: the device itself, or `\info` under it (read-only: reads give XFER_INFO_TEXT, writes
 * STATUS_MEDIA_WRITE_PROTECTED, IOCTLs STATUS_INVALID_DEVICE_REQUEST); any other name is
 * STATUS_OBJECT_NAME_NOT_FOUND, a trailing backslash or a stream name STATUS_OBJECT_NAME_INVALID. Only
 * FILE_OPEN and FILE_OPEN_IF dispositions: FILE_CREATE is STATUS_OBJECT_NAME_COLLISION, the others
 * STATUS_INVALID_DEVICE_REQUEST. Share access is enforced between opens of the device.
 *
 * Works in kernel mode (ntddk.h) and user mode (windows.h + winioctl.h): include one of those first.
 */
#ifndef XFER_H
#define XFER_H

#define XFER_DEVICE_NAME L"\\Device\\xfer"
#define XFER_LINK_NAME L"\\DosDevices\\xfer"
#define XFER_USER_PATH "\\\\.\\xfer"
#define XFER_INFO_NAME L"\\info"
#define XFER_INFO_TEXT "xfer: a record reached through every transfer method\n"

#define XFER_MAX_RECORD 4096
#define XFER_TAG_PREFIX "xfer:"
#define XFER_TAG_PREFIX_LENGTH 5

#ifndef XFER_VERSION
#define XFER_VERSION 1
#endif

/* A device type of the customer range: 0x8000 and up. Most IOCTLs take FILE_ANY_ACCESS, as WDK samples do. */
#define XFER_DEVICE_TYPE 0x8000
#define IOCTL_XFER_TAG CTL_CODE(XFER_DEVICE_TYPE, 0x900, METHOD_BUFFERED, FILE_ANY_ACCESS)        /* 0x80002400 */
#define IOCTL_XFER_STORE CTL_CODE(XFER_DEVICE_TYPE, 0x901, METHOD_IN_DIRECT, FILE_ANY_ACCESS)     /* 0x80002405 */
#define IOCTL_XFER_FETCH CTL_CODE(XFER_DEVICE_TYPE, 0x902, METHOD_OUT_DIRECT, FILE_ANY_ACCESS)    /* 0x8000240A */
#define IOCTL_XFER_REVERSE CTL_CODE(XFER_DEVICE_TYPE, 0x903, METHOD_NEITHER, FILE_ANY_ACCESS)     /* 0x8000240F */
#define IOCTL_XFER_PEND CTL_CODE(XFER_DEVICE_TYPE, 0x904, METHOD_BUFFERED, FILE_ANY_ACCESS)       /* 0x80002410 */
#define IOCTL_XFER_COMPLETE CTL_CODE(XFER_DEVICE_TYPE, 0x905, METHOD_BUFFERED, FILE_ANY_ACCESS)   /* 0x80002414 */
#define IOCTL_XFER_VERSION CTL_CODE(XFER_DEVICE_TYPE, 0x906, METHOD_BUFFERED, FILE_ANY_ACCESS)    /* 0x80002418 */
#define IOCTL_XFER_CLEAR CTL_CODE(XFER_DEVICE_TYPE, 0x907, METHOD_BUFFERED, FILE_WRITE_ACCESS)    /* 0x8000A41C */

#endif
