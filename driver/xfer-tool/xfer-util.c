/* xfer-util.dll (see xfer-util.h). */
#define XFER_UTIL_BUILD
#include "xfer-util.h"

#include <stdio.h>

int xfer_util_version_line(char *out, size_t size, unsigned long version)
{
    return snprintf(out, size, "xfer version %lu", version);
}
