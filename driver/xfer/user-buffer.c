/*
 * METHOD_NEITHER hands the driver the caller's own pointers. They are checked by arithmetic first (a
 * NULL pointer with a length, the alignment, the user range against MM_USER_PROBE_ADDRESS), then their
 * pages are locked through an MDL and mapped into system space, so nothing the caller does to its memory
 * afterwards can fault the driver.
 *
 * MmProbeAndLockPages raises an exception for a range the caller cannot read or write (a freed range, a
 * no-access page, a read-only page for writing). gcc has no __try: probe_and_lock is one small function
 * under mingw-w64's __try1 (a scope-table entry for __C_specific_handler, which ntoskrnl exports on x64)
 * and reads its result back from memory after the jump, since no register survives it. A 32-bit build
 * answers STATUS_NOT_SUPPORTED for METHOD_NEITHER buffers of any length.
 */
#include "xfer-internal.h"
#include <excpt.h>

#ifdef __x86_64__
static __attribute__((used)) LONG filter(EXCEPTION_POINTERS *pointers, PVOID frame)
{
    UNREFERENCED_PARAMETER(pointers);
    UNREFERENCED_PARAMETER(frame);
    return EXCEPTION_EXECUTE_HANDLER;
}

static __attribute__((noinline)) NTSTATUS probe_and_lock(PMDL mdl, LOCK_OPERATION operation)
{
    volatile NTSTATUS status = STATUS_ACCESS_VIOLATION;
    __asm__ __volatile__("" ::: "memory");
    __try1(filter)
    MmProbeAndLockPages(mdl, UserMode, operation);
    status = STATUS_SUCCESS;
    __except1
    __asm__ __volatile__("" ::: "memory");
    return status;
}
#else
/* 32-bit exception handling is frame-based and mingw-w64 has no guard for it that this driver could test:
 * a 32-bit build refuses what it would have to probe instead of risking a bugcheck on a bad pointer. */
static NTSTATUS probe_and_lock(PMDL mdl, LOCK_OPERATION operation)
{
    UNREFERENCED_PARAMETER(mdl);
    UNREFERENCED_PARAMETER(operation);
    return STATUS_NOT_SUPPORTED;
}
#endif

NTSTATUS UserBufferLock(USER_BUFFER *b, PVOID address, ULONG length, BOOLEAN writable)
{
    ULONG_PTR start = (ULONG_PTR)address, end = start + length;
    NTSTATUS status;

    RtlZeroMemory(b, sizeof *b);
    if (length == 0)
        return STATUS_SUCCESS;
    if (address == NULL)
        return STATUS_INVALID_USER_BUFFER;
    if (start & (sizeof(ULONG) - 1))
        return STATUS_DATATYPE_MISALIGNMENT;
    if (end < start || end > (ULONG_PTR)MM_USER_PROBE_ADDRESS)
        return STATUS_ACCESS_VIOLATION;
    if (!(b->mdl = IoAllocateMdl(address, length, FALSE, FALSE, NULL)))
        return STATUS_INSUFFICIENT_RESOURCES;
    status = probe_and_lock(b->mdl, writable ? IoWriteAccess : IoReadAccess);
    if (!NT_SUCCESS(status)) {
        IoFreeMdl(b->mdl);
        b->mdl = NULL;
        return status;
    }
    b->locked = TRUE;
    /* Wine 8 maps no MDL it did not make itself: this is NULL there, and the IOCTL fails with 1450. */
    b->system = MmGetSystemAddressForMdlSafe(b->mdl, NormalPagePriority);
    return b->system ? STATUS_SUCCESS : STATUS_INSUFFICIENT_RESOURCES;
}

VOID UserBufferRelease(USER_BUFFER *b)
{
    if (b->locked)
        MmUnlockPages(b->mdl);
    if (b->mdl)
        IoFreeMdl(b->mdl);
    RtlZeroMemory(b, sizeof *b);
}
