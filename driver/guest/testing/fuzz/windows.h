/*
 * The few Windows types the plan reader uses, for its native fuzz build (fuzz-plan.c): found before any
 * system header because the build puts this folder first on the include path. Nothing else of the runner
 * is built natively.
 */
#ifndef LAB_FUZZ_WINDOWS_H
#define LAB_FUZZ_WINDOWS_H

#include <stddef.h>
#include <stdint.h>
#include <wchar.h>

typedef uint32_t DWORD;
#define GENERIC_READ 0x80000000u
#define GENERIC_WRITE 0x40000000u
#define FILE_SHARE_READ 0x1u
#define FILE_SHARE_WRITE 0x2u
#define FILE_SHARE_DELETE 0x4u

#endif
