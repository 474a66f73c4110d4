/* clock.c: elapsed times from QueryPerformanceCounter, in microseconds. */
#ifndef LAB_CLOCK_H
#define LAB_CLOCK_H

#include "win.h"

extern LARGE_INTEGER g_qpc_hz;
void clock_init(void);
double qpc_us(LARGE_INTEGER from, LARGE_INTEGER to);

#endif
