#include "driver-log.h"

/*
 * Opened for attributes only with full sharing: that never conflicts with the driver's own handle, and
 * unlike the directory entry the size is current. The handle is kept between cases: opening the file twice
 * a case, while the driver host holds it, cost about half a millisecond a time under Wine. It is let go
 * around every unload and load, or it would pin a log file deleted in between (the driver could not make
 * a new one, and the sizes would come from the old file).
 */
static HANDLE g_log = INVALID_HANDLE_VALUE;

int64_t driver_log_size(const wchar_t *path)
{
    LARGE_INTEGER size;
    WIN32_FILE_ATTRIBUTE_DATA d;
    if (g_log == INVALID_HANDLE_VALUE)
        g_log = CreateFileW(path, FILE_READ_ATTRIBUTES, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                            OPEN_EXISTING, 0, NULL);
    if (g_log != INVALID_HANDLE_VALUE && GetFileSizeEx(g_log, &size)) return size.QuadPart;
    if (GetFileAttributesExW(path, GetFileExInfoStandard, &d))
        return (int64_t)((uint64_t)d.nFileSizeHigh << 32 | d.nFileSizeLow);
    return -1;
}

void driver_log_release(void)
{
    if (g_log != INVALID_HANDLE_VALUE) CloseHandle(g_log);
    g_log = INVALID_HANDLE_VALUE;
}
