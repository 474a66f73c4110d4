/* steps.c: one step of a case, run and written as its JSON result. */
#ifndef LAB_STEPS_H
#define LAB_STEPS_H

#include "out.h"
#include "plan.h"

/* slots: the case's LAB_MAX_SLOTS handles (NULL when not open). */
void run_step(const plan_header *h, const step *s, HANDLE *slots, jbuf *b);

#endif
