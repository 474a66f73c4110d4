/* driver-log.c: the size of the driver's log file, taken at each case's start and end. */
#ifndef LAB_DRIVER_LOG_H
#define LAB_DRIVER_LOG_H

#include "win.h"

/* The log file's size in bytes, -1 when it does not exist. One plan has one log path. */
int64_t driver_log_size(const wchar_t *path);

#endif
