/* steps.c: one step of a case, run and written as its JSON result. */
#ifndef LAB_STEPS_H
#define LAB_STEPS_H

#include "async.h"
#include "out.h"
#include "plan.h"

/* cs: the case's handles (NULL when not open) and asynchronous requests. */
void run_step(const plan_header *h, const step *s, case_state *cs, jbuf *b);

#endif
