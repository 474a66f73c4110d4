/*
 * xfer-tool.exe: a small test program for suites/xfer.yaml's `run` steps. It imports xfer-util.dll (so it
 * only starts when the DLL was deployed beside it) and does what its arguments say, one line each:
 *   version      asks \\.\xfer for IOCTL_XFER_VERSION          env NAME   prints NAME's value
 *   cat FILE     prints a file (e.g. a deployed config file)   cwd        prints the working folder
 *   exit N       ends with exit code N (after the rest)
 * A command that fails prints why and the tool ends with exit code 3.
 */
#include <windows.h>
#include <winioctl.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xfer-util.h"
#include "xfer.h"

static int version(void)
{
    HANDLE h = CreateFileA(XFER_USER_PATH, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
    ULONG v = 0;
    DWORD got = 0;
    char line[64];
    if (h == INVALID_HANDLE_VALUE) {
        printf("cannot open %s: %lu\n", XFER_USER_PATH, (unsigned long)GetLastError());
        return 0;
    }
    BOOL ok = DeviceIoControl(h, IOCTL_XFER_VERSION, NULL, 0, &v, sizeof v, &got, NULL);
    CloseHandle(h);
    if (!ok || got != sizeof v) {
        printf("IOCTL_XFER_VERSION failed: %lu\n", (unsigned long)GetLastError());
        return 0;
    }
    xfer_util_version_line(line, sizeof line, v);
    printf("%s\n", line);
    return 1;
}

static int cat(const char *path)
{
    FILE *f = fopen(path, "rb");
    char buf[512];
    size_t n;
    if (!f) {
        printf("cannot open %s\n", path);
        return 0;
    }
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) fwrite(buf, 1, n, stdout);
    fclose(f);
    return 1;
}

int main(int argc, char **argv)
{
    int code = 0, ok = 1;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i], *next = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(arg, "version") == 0) {
            ok &= version();
        } else if (strcmp(arg, "env") == 0 && next) {
            const char *value = getenv(next);
            if (value) printf("%s=%s\n", next, value);
            else printf("%s is not set\n", next);
            i++;
        } else if (strcmp(arg, "cat") == 0 && next) {
            ok &= cat(next);
            i++;
        } else if (strcmp(arg, "cwd") == 0) {
            char dir[MAX_PATH];
            DWORD n = GetCurrentDirectoryA(sizeof dir, dir);
            printf("cwd: %s\n", n && n < sizeof dir ? dir : "?");
        } else if (strcmp(arg, "exit") == 0 && next) {
            code = atoi(next);
            i++;
        } else {
            printf("unknown command: %s\n", arg);
            ok = 0;
        }
    }
    fflush(stdout);
    return ok ? code : 3;
}
