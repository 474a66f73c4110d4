/** The documented exit codes (README, "Exit codes"): 0 pass, 1 the driver failed, 2 usage or suite, 3 lab or the target, 130 interrupted. */
export type ExitCode = 0 | 1 | 2 | 3 | 130;
