/*
 * lab-agent: the guest agent of lab's VM targets (driver/agent/PROTOCOL.md is its specification).
 * One thread, one loop: read what the port has (waiting at most a few milliseconds), act on complete
 * frames, keep what the running program writes until lab polls for it. It speaks only when spoken to:
 * ReactOS's serial.sys can stop hearing a port that sends and receives at the same moment, so every
 * frame it sends answers one lab sent, and lab sends the next only after that answer. No network, no
 * runtime DLLs beyond msvcrt.
 */
#ifndef LAB_AGENT_H
#define LAB_AGENT_H

#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <stddef.h>
#include <stdint.h>

#define AGENT_VERSION 1
#define FRAME_MAGIC0 'L'
#define FRAME_MAGIC1 'A'
#define FRAME_MAGIC2 'B'
#define FRAME_MAGIC3 '!'
#define FRAME_HEAD 13u            /* magic 4, type 1, id 4, length 4 */
#define FRAME_MAX_PAYLOAD 65536u
/* A frame that gets no byte for this long before it is whole is dropped as truncated. */
#define FRAME_STALL_MS 2000u

enum {
    T_PING = 0x01, T_PUT_BEGIN = 0x02, T_PUT_DATA = 0x03, T_PUT_END = 0x04, T_STAT = 0x05, T_READ = 0x06,
    T_EXEC = 0x07, T_KILL = 0x08, T_POLL = 0x09,
    R_OK = 0x80, R_PONG = 0x81, R_DATA = 0x82, R_STARTED = 0x83,
    R_NAK = 0xFE, R_ERR = 0xFF
};

/* ---- transport.c: a serial port, or (for tests) the agent's own stdin/stdout pipes ---- */
typedef struct {
    HANDLE in, out;
    int is_pipe;
} port;

int port_open(port *p, const wchar_t *name); /* 0 or a Win32 error */
size_t port_read(port *p, unsigned char *buf, size_t cap); /* waits a few ms at most; 0 when nothing came */
int port_write(port *p, const void *data, size_t n);

/* ---- frame.c ---- */
uint32_t crc32_update(uint32_t crc, const void *data, size_t n); /* start with 0 */
void frame_send(port *p, unsigned type, uint32_t id, const void *payload, size_t n);
void frame_send2(port *p, unsigned type, uint32_t id, const void *a, size_t an, const void *b, size_t bn);
void send_err(port *p, uint32_t id, DWORD e, const char *what);

typedef struct {
    unsigned char buf[FRAME_HEAD + FRAME_MAX_PAYLOAD + 4];
    size_t have;
    DWORD started;    /* GetTickCount() when the last byte came */
} parser;

typedef struct {
    unsigned type;
    uint32_t id;
    const unsigned char *payload;
    size_t n;
} frame;

/* Feeds bytes; calls on_frame for each good frame and sends NAKs for bad ones. */
void parser_feed(parser *ps, port *p, const unsigned char *data, size_t n, void (*on_frame)(port *, const frame *));
void parser_tick(parser *ps, port *p); /* drops a frame stalled for FRAME_STALL_MS */

/* ---- files.c ---- */
void op_put_begin(port *p, const frame *f);
void op_put_data(port *p, const frame *f);
void op_put_end(port *p, const frame *f);
void op_stat(port *p, const frame *f);
void op_read(port *p, const frame *f);

/* ---- run.c ---- */
void op_exec(port *p, const frame *f);
void op_kill(port *p, const frame *f);
void op_poll(port *p, const frame *f);
void exec_pump(void); /* drains the running program's pipes into memory, so it never blocks on them */

/* ---- shared helpers ---- */
wchar_t *utf8_path(const unsigned char *s, size_t n); /* NULL when not UTF-8, empty or no memory */
static inline uint32_t get_u32(const unsigned char *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }
static inline void put_u32(unsigned char *p, uint32_t v) { p[0] = (unsigned char)v; p[1] = (unsigned char)(v >> 8); p[2] = (unsigned char)(v >> 16); p[3] = (unsigned char)(v >> 24); }

#endif
