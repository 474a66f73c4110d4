/*
 * async.c: requests a step started and left running (`async=<n>` on ioctl, read, write), kept in the
 * case's async slots (one request each per case) for `wait` and `cancel` steps to name. At the case's end
 * what is still pending is cancelled and waited for (bounded); a request that still does not end is left
 * to the process with its buffers, never freed under the driver's feet, and the case line says so.
 */
#ifndef LAB_ASYNC_H
#define LAB_ASYNC_H

#include "buffers.h"
#include "ioctl.h"
#include "out.h"

typedef struct async_req async_req;

/* What a case holds while it runs: its handles, which of them are overlapped, its async requests. */
typedef struct {
    HANDLE slots[LAB_MAX_SLOTS];
    unsigned char overlapped[LAB_MAX_SLOTS];
    async_req *async[LAB_MAX_ASYNC];
} case_state;

/* Starts s (its buffers already made: they belong to the request from here on) and writes its result:
 * the final one when it ended at once, else "e":997,"s":259 (pending). */
void async_start(case_state *cs, const step *s, xbuf *in, xbuf *out, jbuf *b);
/* `wait <n> <ms>` and `cancel <n>`: their results (PROTOCOL.md). */
void async_wait(case_state *cs, const step *s, jbuf *b);
void async_cancel(case_state *cs, const step *s, jbuf *b);
/* At the case's end: cancels and waits for what is pending; writes ,"pending":[slots] for requests that
 * did not end within LAB_ASYNC_DRAIN_MS (their memory is left to them). */
void async_drain(case_state *cs, jbuf *b);

/* The result of a request that ended (or not), as an ioctl's: "e","s","n","us","o","g". */
void jb_io_fields(jbuf *b, DWORD e, DWORD s, DWORD n, double us, const xbuf *out, DWORD out_len, int guard_damaged);

#endif
