import { FileIssuesError, type FileIssue, type IssuesContext } from '../../config-file/file-issue.js';

/** The inventory cannot be used as written (exit 2): every problem, with file:line:column and the field. */
export class InventoryError extends FileIssuesError {
  constructor(issues: FileIssue[], context?: IssuesContext) {
    super('LAB_INVENTORY_INVALID', issues, context);
  }
}
