/*
 * One ASCII line per event, e.g. "objdev: IOCTL REFLECT in=11 out=0 status=0x00000000 info=0\n", sent to
 * DbgPrint and appended to OBJDEV_LOG_PATH. The file is opened once (LogOpen, from DriverEntry) and closed
 * at unload (LogClose): opening it per line made every IOCTL about six times slower under Wine. Each line
 * is written synchronously, so it is in the file when its IRP completes. Formatting is done here rather
 * than with the kernel's _vsnprintf so the line's length and truncation are never in doubt.
 * ZwCreateFile needs PASSIVE_LEVEL: never call these with a spin lock held.
 */
#include "objdev-internal.h"

#define LOG_LINE_MAX 128

typedef struct {
    char text[LOG_LINE_MAX];
    ULONG length;
} LINE;

static VOID put_text(LINE *line, const char *text)
{
    while (*text && line->length < LOG_LINE_MAX - 2)
        line->text[line->length++] = *text++;
}

static VOID put_decimal(LINE *line, ULONG64 value)
{
    char digits[20];
    int n = 0;
    do {
        digits[n++] = (char)('0' + value % 10);
        value /= 10;
    } while (value);
    while (n && line->length < LOG_LINE_MAX - 2)
        line->text[line->length++] = digits[--n];
}

static VOID put_hex32(LINE *line, ULONG value)
{
    static const char hex[] = "0123456789ABCDEF";
    int shift;
    put_text(line, "0x");
    for (shift = 28; shift >= 0 && line->length < LOG_LINE_MAX - 2; shift -= 4)
        line->text[line->length++] = hex[(value >> shift) & 0xF];
}

/* The open log file between LogOpen and LogClose; NULL when it could not be opened or is closed. */
static HANDLE g_log;

static HANDLE open_log(VOID)
{
    UNICODE_STRING path;
    OBJECT_ATTRIBUTES attributes;
    IO_STATUS_BLOCK io;
    HANDLE file;

    RtlInitUnicodeString(&path, OBJDEV_LOG_PATH);
    InitializeObjectAttributes(&attributes, &path, OBJ_CASE_INSENSITIVE | OBJ_KERNEL_HANDLE, NULL, NULL);
    if (!NT_SUCCESS(ZwCreateFile(&file, FILE_APPEND_DATA | SYNCHRONIZE, &attributes, &io, NULL,
                                 FILE_ATTRIBUTE_NORMAL, FILE_SHARE_READ | FILE_SHARE_WRITE, FILE_OPEN_IF,
                                 FILE_SYNCHRONOUS_IO_NONALERT | FILE_NON_DIRECTORY_FILE, NULL, 0)))
        return NULL;
    return file;
}

VOID LogOpen(VOID)
{
    g_log = open_log();
}

VOID LogClose(VOID)
{
    if (g_log)
        ZwClose(g_log);
    g_log = NULL;
}

/* Failing to log must never change a request's result, so every error here is ignored. */
static VOID append_to_file(const LINE *line)
{
    IO_STATUS_BLOCK io;
    LARGE_INTEGER end;
    /* Outside LogOpen..LogClose (or if the open failed) the line still gets to the file, the slow way. */
    HANDLE file = g_log ? g_log : open_log();

    if (!file)
        return;
    end.HighPart = -1;
    end.LowPart = FILE_WRITE_TO_END_OF_FILE;
    ZwWriteFile(file, NULL, NULL, NULL, &io, (PVOID)line->text, line->length, &end, NULL);
    if (file != g_log)
        ZwClose(file);
}

static VOID emit(LINE *line)
{
    line->text[line->length++] = '\n';
    line->text[line->length] = '\0';
    DbgPrint("%s", line->text);
    append_to_file(line);
}

VOID LogEvent(const char *what, NTSTATUS status)
{
    LINE line = { .length = 0 };
    put_text(&line, "objdev: ");
    put_text(&line, what);
    put_text(&line, " status=");
    put_hex32(&line, (ULONG)status);
    emit(&line);
}

VOID LogIoctl(ULONG code, ULONG inLength, ULONG outLength, NTSTATUS status, ULONG_PTR information)
{
    LINE line = { .length = 0 };
    put_text(&line, "objdev: IOCTL ");
    if (code == IOCTL_OBJECT_TEST_REFLECT)
        put_text(&line, "REFLECT");
    else if (code == IOCTL_OBJECT_TEST_READ)
        put_text(&line, "READ");
    else
        put_hex32(&line, code);
    put_text(&line, " in=");
    put_decimal(&line, inLength);
    put_text(&line, " out=");
    put_decimal(&line, outLength);
    put_text(&line, " status=");
    put_hex32(&line, (ULONG)status);
    put_text(&line, " info=");
    put_decimal(&line, information);
    emit(&line);
}
