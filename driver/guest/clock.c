#include "clock.h"

LARGE_INTEGER g_qpc_hz;

void clock_init(void)
{
    QueryPerformanceFrequency(&g_qpc_hz);
}

double qpc_us(LARGE_INTEGER from, LARGE_INTEGER to)
{
    return (double)(to.QuadPart - from.QuadPart) * 1e6 / (double)g_qpc_hz.QuadPart;
}
