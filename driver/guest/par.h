/* par.c: the `par` step, its inner steps on many threads, aggregated. */
#ifndef LAB_PAR_H
#define LAB_PAR_H

#include "out.h"
#include "plan.h"

/* case_slots: the case's handles, which threads share until they open a slot of their own. */
void run_par(const plan_header *h, const step *s, HANDLE *case_slots, jbuf *b);

#endif
