/* run-case.c: one case, from its begin marker to its result line. */
#ifndef LAB_RUN_CASE_H
#define LAB_RUN_CASE_H

#include "out.h"
#include "plan.h"

void run_case(const plan_header *h, lab_case *c, jbuf *b);

#endif
