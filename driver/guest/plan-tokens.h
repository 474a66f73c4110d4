/* Internal to the plan reader (plan-*.c): a line's words, and numbers and hex read from them. */
#ifndef LAB_PLAN_TOKENS_H
#define LAB_PLAN_TOKENS_H

#include "win.h"

#define MAX_TOKENS 16

typedef struct {
    const char *p;
    size_t n;
} tok;

extern const char *const STEP_WORDS[];
extern const char *const HEADER_WORDS[];

/* Splits on runs of spaces and tabs; returns how many words there are (at most `max` are stored). */
size_t split(const char *s, size_t n, tok *t, size_t max);
int is(tok t, const char *word);
int in_list(tok t, const char *const *list);
/* Up to 40 bytes of a token in quotes, for a message (the JSON writer escapes whatever is in it). */
void quote(char *dst, size_t size, tok t);
/* Decimal, or hexadecimal with 0x; no sign, no overflow. */
int parse_u64(tok t, uint64_t *out);
/* Hex to bytes; *out is malloc'ed (at least one byte, so an empty result is not NULL). 0 on bad hex. */
int parse_hex(const char *p, size_t n, unsigned char **out, size_t *len, int *oom);
char *dup_tok(tok t);
/* The rest of the line after `word` and one space (paths may contain spaces). */
tok rest_after(const char *line, size_t len, tok word);

#endif
