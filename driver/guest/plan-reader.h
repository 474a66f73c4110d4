/* Internal to the plan reader (plan-*.c): lines as they come, and problems queued for later. */
#ifndef LAB_PLAN_READER_H
#define LAB_PLAN_READER_H

#include "plan.h"
#include "plan-tokens.h"

struct reader {
    plan_source source;
    void *ctx;
    unsigned char *chunk;
    size_t pos, end;
    int eof;
    DWORD io_error;
    char *line;
    size_t len, cap;
    size_t lineno;
    int too_long;   /* 1: over LAB_MAX_LINE; 2: no memory to hold it */
    int has_nul;
    int pushed;     /* the current line is handed out again by the next rd_next */
    next_item *queue; /* problems found while reading the header, reported once cases start */
    size_t nqueue, qpos;
};

/* 1: a line (r->line, r->len, r->too_long, r->has_nul); 0: end of file. A read error ends the file too
 * (r->io_error says why). */
int rd_next(reader *r);
/* The current line's words (none for an over-long line or one with a NUL); 0 for a blank or comment line. */
size_t rd_words(const reader *r, tok *t, size_t max);
/* Why a line that is not a step of a case cannot be run: too long, a NUL, or a word out of place. */
void stray_message(char *msg, size_t size, const reader *r, tok word, int header_done);

#endif
