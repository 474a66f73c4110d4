/* exec.c: the `exec` step. */
#ifndef LAB_EXEC_H
#define LAB_EXEC_H

#include "out.h"
#include "plan.h"

void run_exec(const step *s, jbuf *b);

#endif
