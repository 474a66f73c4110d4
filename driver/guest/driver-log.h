/* driver-log.c: the size of the driver's log file, taken at each case's start and end. */
#ifndef LAB_DRIVER_LOG_H
#define LAB_DRIVER_LOG_H

#include "win.h"

/* The log file's size in bytes, -1 when it does not exist. One plan has one log path. */
int64_t driver_log_size(const wchar_t *path);
/* Lets go of the log file: called whenever the runner unloads or loads the driver, which may delete the
 * file or make a new one. */
void driver_log_release(void);

#endif
