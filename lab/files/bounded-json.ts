import { open } from 'node:fs/promises';

/**
 * Why a file was refused, as the end of a sentence that starts with what was expected: "found text that
 * is not JSON (...)", "found 300.0 MiB (at most 256.0 MiB)". Its readers turn it into an error that names
 * the file (LAB_REPORT_INVALID, LAB_RESUME_BAD_RECORD).
 */
export class BoundedJsonError extends Error {}

/**
 * Reading a JSON file lab did not necessarily write (a report, a run record) with bounded time and
 * memory: its size is checked before it is read, and its nesting before anything walks it recursively
 * (JSON.parse itself is iterative; schema checks, JSON.stringify and the page are not).
 */
export async function readBoundedText(path: string, maxBytes: number): Promise<string> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    if (size > maxBytes) throw new BoundedJsonError(`found ${formatBytes(size)} (at most ${formatBytes(maxBytes)})`);
    const buffer = Buffer.alloc(size);
    const { bytesRead } = await file.read(buffer, 0, size, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await file.close();
  }
}

export function parseBoundedJson(text: string, maxDepth: number): unknown {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new BoundedJsonError(`found text that is not JSON (${(error as Error).message})`);
  }
  const depth = jsonDepth(data, maxDepth);
  if (depth > maxDepth) throw new BoundedJsonError(`found nesting deeper than ${maxDepth} levels`);
  return data;
}

/** Depth of a parsed JSON value, walked without recursion; stops counting past `limit`. */
export function jsonDepth(root: unknown, limit: number): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[root, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (depth > max) max = depth;
    if (max > limit) return max;
    if (value === null || typeof value !== 'object') continue;
    for (const child of Array.isArray(value) ? value : Object.values(value)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return max;
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MiB` : `${n} bytes`;
}
