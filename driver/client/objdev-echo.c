/*
 * objdev-echo.exe [message]: the seed's exchange with objdev.sys. Sends the message with REFLECT
 * (default "hello,world", length strlen), reads it back with READ into a 1024-byte buffer and prints
 *   get content:<message>
 *   length: <n>
 * Output goes straight to the stdout handle with WriteFile: bytes as returned, lines ending in "\n" only;
 * errors go to stderr, also in binary mode, so neither stream ever has a "\r" the driver did not send.
 * Exit codes: 0 ok, 2 CreateFile failed, 3 REFLECT failed, 4 READ failed, 5 writing stdout failed.
 */
#include <windows.h>
#include <fcntl.h>
#include <io.h>
#include <winioctl.h>
#include <stdio.h>
#include <string.h>
#include "objdev.h"

enum { EXIT_OPEN = 2, EXIT_REFLECT = 3, EXIT_READ = 4, EXIT_STDOUT = 5 };

static BOOL write_all(HANDLE out, const void *data, DWORD length)
{
    const char *p = data;
    while (length) {
        DWORD written = 0;
        if (!WriteFile(out, p, length, &written, NULL) || written == 0)
            return FALSE;
        p += written;
        length -= written;
    }
    return TRUE;
}

/* "objdev-echo: <call> failed: error <n>: <Windows' text>" on stderr, then the call's exit code. */
static int fail(const char *call, int code)
{
    DWORD error = GetLastError();
    char text[512] = "";
    DWORD n = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, error, 0, text,
                             sizeof text, NULL);
    while (n && (text[n - 1] == '\r' || text[n - 1] == '\n' || text[n - 1] == ' '))
        text[--n] = '\0';
    fprintf(stderr, "objdev-echo: %s failed: error %lu: %s\n", call, (unsigned long)error, n ? text : "(no text)");
    return code;
}

int main(int argc, char **argv)
{
    const char *message = argc > 1 ? argv[1] : "hello,world";
    char reply[OBJDEV_MAX_MESSAGE];
    char line[64];
    DWORD returned = 0;
    HANDLE out = GetStdHandle(STD_OUTPUT_HANDLE);
    HANDLE device;

    _setmode(_fileno(stderr), _O_BINARY);
    device = CreateFileA(OBJDEV_USER_PATH, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING,
                         FILE_ATTRIBUTE_NORMAL, NULL);
    if (device == INVALID_HANDLE_VALUE)
        return fail("CreateFile " OBJDEV_USER_PATH, EXIT_OPEN);

    if (!DeviceIoControl(device, IOCTL_OBJECT_TEST_REFLECT, (void *)message, (DWORD)strlen(message), NULL, 0,
                         &returned, NULL))
        return fail("DeviceIoControl REFLECT", EXIT_REFLECT);
    if (!DeviceIoControl(device, IOCTL_OBJECT_TEST_READ, NULL, 0, reply, sizeof reply, &returned, NULL))
        return fail("DeviceIoControl READ", EXIT_READ);
    CloseHandle(device);

    snprintf(line, sizeof line, "\nlength: %lu\n", (unsigned long)returned);
    if (!write_all(out, "get content:", 12) || !write_all(out, reply, returned) ||
        !write_all(out, line, (DWORD)strlen(line)))
        return fail("WriteFile stdout", EXIT_STDOUT);
    return 0;
}
