import { FileIssuesError, type FileIssue, type IssuesContext } from '../config-file/file-issue.js';

/** A waivers file that cannot be used as written (exit 2): every problem with file:line:column and the field. */
export class WaiversError extends FileIssuesError {
  constructor(issues: FileIssue[], context?: IssuesContext) {
    super('LAB_WAIVERS_INVALID', issues, context);
  }
}
