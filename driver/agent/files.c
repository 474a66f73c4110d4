/*
 * Files: put (begin, data, end, with the size and CRC-32 of what was written), stat (size and CRC-32, so
 * the host can skip a file the guest already holds), and read a range. Guest files are opened with every
 * sharing mode: the driver under test keeps its log file open while the host reads slices of it.
 */
#include "agent.h"

#include <stdlib.h>
#include <string.h>

static struct {
    HANDLE h;
    uint32_t id, crc;
    uint64_t size;
} g_put = {INVALID_HANDLE_VALUE, 0, 0, 0};

wchar_t *utf8_path(const unsigned char *s, size_t n)
{
    if (n == 0 || n > 32767) return NULL;
    int wn = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, (const char *)s, (int)n, NULL, 0);
    if (wn <= 0) return NULL;
    wchar_t *w = malloc(((size_t)wn + 1) * sizeof *w);
    if (!w) return NULL;
    MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, (const char *)s, (int)n, w, wn);
    w[wn] = 0;
    for (int i = 0; i < wn; i++)
        if (w[i] == 0) {
            free(w);
            return NULL;
        }
    return w;
}

/* Creates the folders above a file (C:\lab for C:\lab\x.sys); errors show up when the file is created. */
static void make_parents(const wchar_t *path)
{
    wchar_t *copy = _wcsdup(path);
    if (!copy) return;
    for (wchar_t *c = copy + 3; *c; c++) {
        if (*c != L'\\' && *c != L'/') continue;
        wchar_t keep = *c;
        *c = 0;
        CreateDirectoryW(copy, NULL);
        *c = keep;
    }
    free(copy);
}

/* Opens the UTF-8 path for reading, sharing everything; on failure answers the request and returns
 * INVALID_HANDLE_VALUE. */
static HANDLE open_shared(port *p, uint32_t id, const unsigned char *name, size_t n)
{
    wchar_t *path = utf8_path(name, n);
    if (!path) {
        send_err(p, id, ERROR_INVALID_NAME, "expected a UTF-8 path");
        return INVALID_HANDLE_VALUE;
    }
    HANDLE h = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
    DWORD e = GetLastError();
    free(path);
    if (h == INVALID_HANDLE_VALUE) send_err(p, id, e, "cannot open the file");
    return h;
}

static void put_reset(void)
{
    if (g_put.h != INVALID_HANDLE_VALUE) CloseHandle(g_put.h);
    g_put.h = INVALID_HANDLE_VALUE;
}

void op_put_begin(port *p, const frame *f)
{
    put_reset();
    wchar_t *path = utf8_path(f->payload, f->n);
    if (!path) {
        send_err(p, f->id, ERROR_INVALID_NAME, "expected a UTF-8 path");
        return;
    }
    make_parents(path);
    g_put.h = CreateFileW(path, GENERIC_WRITE, FILE_SHARE_READ, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    free(path);
    if (g_put.h == INVALID_HANDLE_VALUE) {
        send_err(p, f->id, GetLastError(), "cannot create the file");
        return;
    }
    g_put.id = f->id;
    g_put.crc = 0;
    g_put.size = 0;
    frame_send(p, R_OK, f->id, NULL, 0);
}

void op_put_data(port *p, const frame *f)
{
    if (g_put.h == INVALID_HANDLE_VALUE) {
        send_err(p, f->id, ERROR_INVALID_HANDLE, "no put in progress");
        return;
    }
    DWORD done = 0;
    if (f->n && (!WriteFile(g_put.h, f->payload, (DWORD)f->n, &done, NULL) || done != f->n)) {
        DWORD e = GetLastError();
        put_reset();
        send_err(p, f->id, e ? e : ERROR_WRITE_FAULT, "cannot write the file");
        return;
    }
    g_put.crc = crc32_update(g_put.crc, f->payload, f->n);
    g_put.size += f->n;
    frame_send(p, R_OK, f->id, NULL, 0);
}

static void send_size_crc(port *p, uint32_t id, uint64_t size, uint32_t crc)
{
    unsigned char out[12];
    put_u32(out, (uint32_t)size);
    put_u32(out + 4, (uint32_t)(size >> 32));
    put_u32(out + 8, crc);
    frame_send(p, R_OK, id, out, sizeof out);
}

void op_put_end(port *p, const frame *f)
{
    if (g_put.h == INVALID_HANDLE_VALUE) {
        send_err(p, f->id, ERROR_INVALID_HANDLE, "no put in progress");
        return;
    }
    BOOL ok = FlushFileBuffers(g_put.h);
    DWORD e = ok ? 0 : GetLastError();
    put_reset();
    if (!ok) send_err(p, f->id, e, "cannot flush the file");
    else send_size_crc(p, f->id, g_put.size, g_put.crc);
}

void op_stat(port *p, const frame *f)
{
    HANDLE h = open_shared(p, f->id, f->payload, f->n);
    if (h == INVALID_HANDLE_VALUE) return;
    static unsigned char buf[65536];
    uint32_t crc = 0;
    uint64_t size = 0;
    DWORD got;
    while (ReadFile(h, buf, sizeof buf, &got, NULL) && got > 0) {
        crc = crc32_update(crc, buf, got);
        size += got;
    }
    CloseHandle(h);
    send_size_crc(p, f->id, size, crc);
}

/* Payload: offset (8 bytes), length (4), path. At most FRAME_MAX_PAYLOAD bytes come back. */
void op_read(port *p, const frame *f)
{
    if (f->n < 13) {
        send_err(p, f->id, ERROR_INVALID_PARAMETER, "expected offset, length and path");
        return;
    }
    uint64_t offset = get_u32(f->payload) | (uint64_t)get_u32(f->payload + 4) << 32;
    uint32_t want = get_u32(f->payload + 8);
    if (want > FRAME_MAX_PAYLOAD) want = FRAME_MAX_PAYLOAD;
    HANDLE h = open_shared(p, f->id, f->payload + 12, f->n - 12);
    if (h == INVALID_HANDLE_VALUE) return;
    static unsigned char buf[FRAME_MAX_PAYLOAD];
    LARGE_INTEGER at;
    at.QuadPart = (LONGLONG)offset;
    DWORD got = 0;
    if (!SetFilePointerEx(h, at, NULL, FILE_BEGIN) || !ReadFile(h, buf, want, &got, NULL)) {
        DWORD e = GetLastError();
        CloseHandle(h);
        send_err(p, f->id, e, "cannot read the file");
        return;
    }
    CloseHandle(h);
    frame_send(p, R_DATA, f->id, buf, got);
}
