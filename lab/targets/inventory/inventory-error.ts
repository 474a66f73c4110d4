import { FileIssuesError, type SuiteIssue } from '../../suite/suite-error.js';

/** The inventory cannot be used as written (exit 2): every problem, with file:line:column and the field. */
export class InventoryError extends FileIssuesError {
  constructor(issues: SuiteIssue[]) {
    super('LAB_INVENTORY_INVALID', issues);
  }
}
