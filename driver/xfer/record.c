/*
 * The record: 0 to XFER_MAX_RECORD bytes shared by every handle, its length beside it. A spin lock makes
 * every access whole; only copies happen under it.
 */
#include "xfer-internal.h"

static UCHAR g_record[XFER_MAX_RECORD];
static ULONG g_length;
static KSPIN_LOCK g_lock;

VOID RecordInit(VOID)
{
    KeInitializeSpinLock(&g_lock);
    g_length = 0;
}

NTSTATUS RecordWrite(ULONG offset, const UCHAR *data, ULONG length, ULONG_PTR *written)
{
    KIRQL old;
    *written = 0;
    if (offset > XFER_MAX_RECORD || length > XFER_MAX_RECORD - offset)
        return STATUS_DISK_FULL;
    KeAcquireSpinLock(&g_lock, &old);
    /* Writing past the end leaves zeros between, as a file would. */
    if (offset > g_length)
        RtlZeroMemory(g_record + g_length, offset - g_length);
    RtlCopyMemory(g_record + offset, data, length);
    if (offset + length > g_length)
        g_length = offset + length;
    KeReleaseSpinLock(&g_lock, old);
    *written = length;
    return STATUS_SUCCESS;
}

NTSTATUS RecordRead(ULONG offset, UCHAR *out, ULONG outLength, ULONG_PTR *copied)
{
    KIRQL old;
    NTSTATUS status = STATUS_SUCCESS;
    *copied = 0;
    KeAcquireSpinLock(&g_lock, &old);
    if (offset >= g_length) {
        status = STATUS_END_OF_FILE;
    } else {
        ULONG n = g_length - offset < outLength ? g_length - offset : outLength;
        RtlCopyMemory(out, g_record + offset, n);
        *copied = n;
    }
    KeReleaseSpinLock(&g_lock, old);
    return status;
}

NTSTATUS RecordReplace(const UCHAR *head, ULONG headLength, const UCHAR *tail, ULONG tailLength)
{
    KIRQL old;
    if (headLength > XFER_MAX_RECORD || tailLength > XFER_MAX_RECORD - headLength)
        return STATUS_INVALID_PARAMETER;
    KeAcquireSpinLock(&g_lock, &old);
    RtlCopyMemory(g_record, head, headLength);
    RtlCopyMemory(g_record + headLength, tail, tailLength);
    g_length = headLength + tailLength;
    KeReleaseSpinLock(&g_lock, old);
    return STATUS_SUCCESS;
}

NTSTATUS RecordFetch(UCHAR *out, ULONG outLength, ULONG_PTR *copied)
{
    KIRQL old;
    NTSTATUS status;
    KeAcquireSpinLock(&g_lock, &old);
    *copied = g_length < outLength ? g_length : outLength;
    RtlCopyMemory(out, g_record, *copied);
    status = *copied < g_length ? STATUS_BUFFER_OVERFLOW : STATUS_SUCCESS;
    KeReleaseSpinLock(&g_lock, old);
    return status;
}

VOID RecordClear(VOID)
{
    KIRQL old;
    KeAcquireSpinLock(&g_lock, &old);
    g_length = 0;
    KeReleaseSpinLock(&g_lock, old);
}
