/*
 * Frames: "LAB!", type (1 byte), id (4), payload length (4), payload, CRC-32 of everything after the
 * magic. The parser never trusts a length: one over the limit is refused before any payload is kept, a bad checksum drops the frame, and a frame stalled half-way is dropped after
 * FRAME_STALL_MS without a byte. Each is answered with a NAK, then the parser looks for the next magic.
 */
#include "agent.h"

#include <stdio.h>
#include <string.h>

static uint32_t g_table[256];

uint32_t crc32_update(uint32_t crc, const void *data, size_t n)
{
    if (!g_table[1]) {
        for (uint32_t i = 0; i < 256; i++) {
            uint32_t c = i;
            for (int k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            g_table[i] = c;
        }
    }
    const unsigned char *p = data;
    crc = ~crc;
    while (n--) crc = g_table[(crc ^ *p++) & 0xFF] ^ (crc >> 8);
    return ~crc;
}

void frame_send2(port *p, unsigned type, uint32_t id, const void *a, size_t an, const void *b, size_t bn)
{
    unsigned char head[FRAME_HEAD], tail[4];
    head[0] = FRAME_MAGIC0;
    head[1] = FRAME_MAGIC1;
    head[2] = FRAME_MAGIC2;
    head[3] = FRAME_MAGIC3;
    head[4] = (unsigned char)type;
    put_u32(head + 5, id);
    put_u32(head + 9, (uint32_t)(an + bn));
    uint32_t crc = crc32_update(0, head + 4, FRAME_HEAD - 4);
    crc = crc32_update(crc, a, an);
    crc = crc32_update(crc, b, bn);
    put_u32(tail, crc);
    /* One write per frame where it fits: fewer IRPs through serial.sys. */
    static unsigned char one[FRAME_HEAD + FRAME_MAX_PAYLOAD + 4];
    if (an + bn <= FRAME_MAX_PAYLOAD) {
        memcpy(one, head, FRAME_HEAD);
        if (an) memcpy(one + FRAME_HEAD, a, an);
        if (bn) memcpy(one + FRAME_HEAD + an, b, bn);
        memcpy(one + FRAME_HEAD + an + bn, tail, 4);
        port_write(p, one, FRAME_HEAD + an + bn + 4);
        return;
    }
    port_write(p, head, FRAME_HEAD);
    if (an) port_write(p, a, an);
    if (bn) port_write(p, b, bn);
    port_write(p, tail, 4);
}

void frame_send(port *p, unsigned type, uint32_t id, const void *payload, size_t n)
{
    frame_send2(p, type, id, payload, n, NULL, 0);
}

void send_err(port *p, uint32_t id, DWORD e, const char *what)
{
    unsigned char code[4];
    put_u32(code, e);
    frame_send2(p, R_ERR, id, code, 4, what, strlen(what));
}

static void nak(port *p, uint32_t id, const char *why)
{
    frame_send(p, R_NAK, id, why, strlen(why));
}

/* Drops the first byte of what is held and moves on to the next possible magic. */
static void resync(parser *ps)
{
    size_t i = 1;
    while (i < ps->have && ps->buf[i] != FRAME_MAGIC0) i++;
    memmove(ps->buf, ps->buf + i, ps->have - i);
    ps->have -= i;
    ps->started = GetTickCount();
}

static int magic_ok(const parser *ps)
{
    static const unsigned char m[4] = {FRAME_MAGIC0, FRAME_MAGIC1, FRAME_MAGIC2, FRAME_MAGIC3};
    size_t k = ps->have < 4 ? ps->have : 4;
    return memcmp(ps->buf, m, k) == 0;
}

void parser_feed(parser *ps, port *p, const unsigned char *data, size_t n, void (*on_frame)(port *, const frame *))
{
    while (n > 0) {
        ps->started = GetTickCount();
        size_t room = sizeof ps->buf - ps->have, take = n < room ? n : room;
        memcpy(ps->buf + ps->have, data, take);
        ps->have += take;
        data += take;
        n -= take;
        for (;;) {
            while (ps->have > 0 && !magic_ok(ps)) resync(ps);
            if (ps->have < FRAME_HEAD) break;
            uint32_t id = get_u32(ps->buf + 5), len = get_u32(ps->buf + 9);
            if (len > FRAME_MAX_PAYLOAD) {
                char why[96];
                snprintf(why, sizeof why, "frame length %lu over the limit of %u bytes", (unsigned long)len, FRAME_MAX_PAYLOAD);
                nak(p, id, why);
                /* Nothing of it is kept; whatever follows is searched for the next magic (a payload that
                 * happens to hold one still needs a good checksum to count). */
                resync(ps);
                continue;
            }
            size_t whole = FRAME_HEAD + len + 4;
            if (ps->have < whole) break;
            uint32_t want = get_u32(ps->buf + FRAME_HEAD + len);
            if (crc32_update(0, ps->buf + 4, FRAME_HEAD - 4 + len) != want) {
                nak(p, id, "bad checksum");
                resync(ps);
                continue;
            }
            frame f = {ps->buf[4], id, ps->buf + FRAME_HEAD, len};
            on_frame(p, &f);
            memmove(ps->buf, ps->buf + whole, ps->have - whole);
            ps->have -= whole;
            ps->started = GetTickCount();
        }
    }
}

void parser_tick(parser *ps, port *p)
{
    if (ps->have == 0 || GetTickCount() - ps->started < FRAME_STALL_MS) return;
    nak(p, ps->have >= 9 ? get_u32(ps->buf + 5) : 0, "truncated frame");
    ps->have = 0;
}
