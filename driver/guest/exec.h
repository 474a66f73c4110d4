/* exec.c: the `exec` step. */
#ifndef LAB_EXEC_H
#define LAB_EXEC_H

#include "out.h"
#include "plan.h"

/* The child starts in the header's workdir (the folder the files were deployed to) when it has one. */
void run_exec(const plan_header *h, const step *s, jbuf *b);

#endif
