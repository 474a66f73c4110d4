import { FileIssuesError, type FileIssue, type IssuesContext } from '../config-file/file-issue.js';

/** A suite that cannot be used as written (exit 2): every problem, each at its file:line:column. */
export class SuiteError extends FileIssuesError {
  constructor(issues: FileIssue[], context?: IssuesContext) {
    super('LAB_SUITE_INVALID', issues, context);
  }
}
