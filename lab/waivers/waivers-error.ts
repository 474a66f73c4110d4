import { UsageError } from '../errors/lab-error.js';
import { formatIssue, type SuiteIssue } from '../suite/suite-error.js';

const SHOWN = 20;

/** A waivers file that cannot be used as written (exit 2): every problem with file:line:column and the field. */
export class WaiversError extends UsageError {
  constructor(readonly issues: SuiteIssue[]) {
    const lines = issues.slice(0, SHOWN).map(formatIssue);
    if (issues.length > SHOWN) lines.push(`... and ${issues.length - SHOWN} more`);
    super('LAB_WAIVERS_INVALID', lines.join('\n'));
  }
}
