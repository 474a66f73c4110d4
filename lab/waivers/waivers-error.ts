import { FileIssuesError, type SuiteIssue } from '../suite/suite-error.js';

/** A waivers file that cannot be used as written (exit 2): every problem with file:line:column and the field. */
export class WaiversError extends FileIssuesError {
  constructor(issues: SuiteIssue[]) {
    super('LAB_WAIVERS_INVALID', issues);
  }
}
