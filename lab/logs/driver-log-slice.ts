const MAX_LINES = 500;
export const MAX_SLICE_BYTES = 256 * 1024;

/** The driver log bytes a case produced, as lines, bounded like the debug slice. */
export function driverLogLines(bytes: Buffer | undefined): { lines: string[]; truncated: boolean } {
  if (!bytes || bytes.length === 0) return { lines: [], truncated: false };
  const cut = bytes.length > MAX_SLICE_BYTES;
  const text = bytes.subarray(0, MAX_SLICE_BYTES).toString('utf8');
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  if (lines.length > MAX_LINES)
    return { lines: [...lines.slice(0, MAX_LINES), `... ${lines.length - MAX_LINES} more lines (see the full log file)`], truncated: true };
  return { lines: cut ? [...lines, '... cut at 256 KiB (see the full log file)'] : lines, truncated: cut };
}
