import { UsageError } from '../../errors/lab-error.js';
import { formatIssue, type SuiteIssue } from '../../suite/suite-error.js';

/** The inventory cannot be used as written (exit 2): every problem, with file:line:column and the field. */
export class InventoryError extends UsageError {
  constructor(readonly issues: SuiteIssue[]) {
    super('LAB_INVENTORY_INVALID', issues.slice(0, 20).map(formatIssue).join('\n') + (issues.length > 20 ? `\n... and ${issues.length - 20} more` : ''));
  }
}
