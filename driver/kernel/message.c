/*
 * The stored message: 0 to OBJDEV_MAX_MESSAGE bytes of any value, shared by every handle. Its length is
 * kept beside it, so NUL bytes are data like any other. A spin lock makes each store and fetch whole: a
 * READ sees one complete message, never half of two. Only copies happen under it (no logging, no paging).
 */
#include "objdev-internal.h"

static UCHAR g_message[OBJDEV_MAX_MESSAGE];
static ULONG g_length;
static KSPIN_LOCK g_lock;

#ifdef MUTANT_NO_LOCK
#define LOCK(old) ((void)(old))
#define UNLOCK(old) ((void)(old))
#else
#define LOCK(old) KeAcquireSpinLock(&g_lock, &(old))
#define UNLOCK(old) KeReleaseSpinLock(&g_lock, (old))
#endif

VOID MessageInit(VOID)
{
    KeInitializeSpinLock(&g_lock);
    g_length = 0;
}

#ifdef MUTANT_STRLEN_TRUNCATION
/* The original treated the message as a C string; bounded so that this mutant adds no over-read. */
static ULONG c_string_length(const UCHAR *data, ULONG limit)
{
    ULONG n = 0;
    while (n < limit && data[n] != 0)
        n++;
    return n;
}
#endif

NTSTATUS MessageStore(const UCHAR *data, ULONG length)
{
    KIRQL old;

#ifdef MUTANT_LIMIT_OFF_BY_ONE
    if (length + 1 >= OBJDEV_MAX_MESSAGE)
#else
    if (length > OBJDEV_MAX_MESSAGE)
#endif
        return STATUS_INVALID_PARAMETER;

    LOCK(old);
#ifdef MUTANT_REFLECT_OVERREAD
    /* The system buffer holds only `length` bytes (and is NULL on Windows when both lengths are 0). */
    RtlCopyMemory(g_message, data, OBJDEV_MAX_MESSAGE);
#else
    RtlCopyMemory(g_message, data, length);
#endif
#ifdef MUTANT_STRLEN_TRUNCATION
    g_length = c_string_length(g_message, length);
#else
    g_length = length;
#endif
    UNLOCK(old);
    return STATUS_SUCCESS;
}

/* On success *copied is the stored length; on failure 0 and nothing is written. */
NTSTATUS MessageFetch(UCHAR *out, ULONG outLength, ULONG_PTR *copied)
{
    KIRQL old;
    NTSTATUS status = STATUS_SUCCESS;

    *copied = 0;
    LOCK(old);
    if (outLength < g_length) {
#ifdef MUTANT_WRONG_ERROR_CODES
        status = STATUS_INVALID_PARAMETER;
#else
        status = STATUS_BUFFER_TOO_SMALL;
#endif
    } else {
#ifdef MUTANT_READ_OVERREAD
        /* Reads past the 1024-byte global whenever the caller's buffer is larger than that. */
        RtlCopyMemory(out, g_message, outLength);
#else
        RtlCopyMemory(out, g_message, g_length);
#endif
        *copied = g_length;
    }
    UNLOCK(old);
    return status;
}
