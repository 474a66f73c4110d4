/*
 * Mutants: the driver's own source, compiled with one -DMUTANT_<NAME>, puts back exactly one defect of the
 * original demo (CONTRACT.md, "Known defects") or one fault for the lab's crash and hang handling.
 * mutants.json is the catalog; this header only lets MUTANT_ORIGINAL_DEMO switch on defects 1 to 8 at once.
 * Never define any of these for the shipped driver.
 */
#ifndef OBJDEV_MUTANT_H
#define OBJDEV_MUTANT_H

#ifdef MUTANT_ORIGINAL_DEMO
#define MUTANT_LIMIT_OFF_BY_ONE   /* 1 */
#define MUTANT_REFLECT_OVERREAD   /* 2 */
#define MUTANT_READ_OVERREAD      /* 3 */
#define MUTANT_STRLEN_TRUNCATION  /* 4 */
#define MUTANT_STATUS_MISMATCH    /* 5 */
#define MUTANT_WRONG_ERROR_CODES  /* 6 */
#define MUTANT_NO_LOCK            /* 7 */
#define MUTANT_UNCHECKED_CREATE   /* 7 */
#define MUTANT_MISSING_BREAK      /* 8 */
#endif

/* Input lengths that trip the fault mutants; far from every boundary the echo suite probes. */
#ifndef OBJDEV_CRASH_LEN
#define OBJDEV_CRASH_LEN 666
#endif
#ifndef OBJDEV_HANG_LEN
#define OBJDEV_HANG_LEN 777
#endif

#endif
