/** Beyond this many cells the quadratic alignment would cost more than it is worth: fall back to greedy. */
const MAX_CELLS = 1_000_000;

/**
 * Which driver-log line is which DbgPrint line: the longest common subsequence of the two (by text), so
 * a line only one side has (a log-only line, a DbgPrint the driver did not log) shifts nothing else.
 * Returns, for each `b` line, the index of its twin in `a`, or -1.
 */
export function alignLines(a: readonly string[], b: readonly string[]): number[] {
  const twin = new Array<number>(b.length).fill(-1);
  if (a.length === 0 || b.length === 0) return twin;
  if (a.length * b.length > MAX_CELLS) return greedy(a, b, twin);
  // lengths[i][j]: LCS of a[i..] and b[j..], in one flat array.
  const width = b.length + 1;
  const lengths = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lengths[i * width + j] = a[i] === b[j] ? lengths[(i + 1) * width + j + 1]! + 1 : Math.max(lengths[(i + 1) * width + j]!, lengths[i * width + j + 1]!);
    }
  }
  // Walk the table; on a tie skip the log line first, so a DbgPrint line pairs with its earliest twin.
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      twin[j] = i;
      i++;
      j++;
    } else if (lengths[(i + 1) * width + j]! > lengths[i * width + j + 1]!) i++;
    else j++;
  }
  return twin;
}

function greedy(a: readonly string[], b: readonly string[], twin: number[]): number[] {
  let from = 0;
  for (let j = 0; j < b.length; j++) {
    const at = a.indexOf(b[j]!, from);
    if (at >= 0) {
      twin[j] = at;
      from = at + 1;
    }
  }
  return twin;
}
