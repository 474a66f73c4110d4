/* out.c: result lines as JSON on stdout, one object a line (PROTOCOL.md, "Results"). */
#ifndef LAB_OUT_H
#define LAB_OUT_H

#include "win.h"

typedef struct {
    char *p;
    size_t n, cap;
    int oom;     /* an append failed: the line is replaced by an error line when written */
    int chunked; /* part of the current line was already written (jb_chunk) */
} jbuf;

void out_init(void);
void jb_raw(jbuf *b, const char *s, size_t n);
void jb_lit(jbuf *b, const char *s);
void jb_str(jbuf *b, const char *s, size_t n);   /* a JSON string, escaped */
void jb_cstr(jbuf *b, const char *s);
void jb_u64(jbuf *b, uint64_t v);
void jb_i64(jbuf *b, int64_t v);
void jb_us(jbuf *b, double us);                   /* microseconds, 3 decimals */
void jb_hex(jbuf *b, const void *p, size_t n);    /* a JSON string of lowercase hex */
void jb_chunk(jbuf *b);                           /* write what is buffered when it got large (long case lines) */
void jb_line(jbuf *b);                            /* end the line, write it, reset the buffer */
void jb_discard(jbuf *b);                         /* drop the current line (ending what jb_chunk wrote of it) */
void jb_free(jbuf *b);
void jb_refused(jbuf *b, const char *kind, const char *why); /* a step that was not run: {"k":..,"e":null,"error":..} */
void jb_win32(jbuf *b, DWORD e); /* "e":n,"msg":s with Windows' text for the error */
void out_plan_error(const char *msg, size_t line);

#endif
