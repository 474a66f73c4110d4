/* run-case.c: one case, from its begin marker to its result line. */
#ifndef LAB_RUN_CASE_H
#define LAB_RUN_CASE_H

#include "out.h"
#include "plan.h"

/* What the runner knows of the driver between cases (only with the header's `driver` line). */
typedef struct {
    int just_loaded; /* loaded (or loaded again) and no case has run since: no need to look for its device */
    char last_id[LAB_MAX_ID + 1]; /* the case that ran last, named when the next one finds the device gone */
} driver_state;

void run_case(const plan_header *h, lab_case *c, driver_state *d, jbuf *b);

#endif
