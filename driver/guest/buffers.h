/*
 * buffers.c: the buffers of a step, wherever its pointer kind puts them (PROTOCOL.md, "Buffers"): on the
 * heap, or as a bad pointer a driver must survive (NULL with a length, a range never committed, a kernel
 * address, an odd address, a read-only or a no-access page, the last bytes before a page that is not
 * there). The runner reads and writes only `bytes`, which is NULL for the kinds it must not touch.
 */
#ifndef LAB_BUFFERS_H
#define LAB_BUFFERS_H

#include "plan.h"

typedef struct {
    unsigned char *ptr;   /* what the call is given: may be NULL or bad */
    unsigned char *bytes; /* the same bytes, where the runner may read them; NULL for the kinds it must not */
    size_t len;
    int guarded;          /* LAB_GUARD_BYTES of LAB_GUARD_VALUE follow bytes[len], writable by the runner */
    void *heap;           /* malloc'ed, or */
    void *region;         /* VirtualAlloc'ed (released with the buffer) */
} xbuf;

/* Repeats pattern into dst (zeros for an empty pattern), adding `add` to every byte (par's t: payloads). */
void fill_pattern(unsigned char *dst, size_t n, const unsigned char *pattern, size_t pattern_len, unsigned add);
/* len bytes of `kind` holding `pattern` repeated; guard bytes after them where the kind has room (heap,
 * unaligned, read-only) when `guard` is set. 0 without memory (b is then empty). */
int xbuf_make(xbuf *b, enum ptr_kind kind, size_t len, const unsigned char *pattern, size_t pattern_len, int guard);
/* 1 when the guard bytes changed; they are set again for the next call. */
int xbuf_guard_damaged(xbuf *b);
void xbuf_free(xbuf *b);

#endif
