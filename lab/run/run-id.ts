import { randomBytes } from 'node:crypto';

/** `20261124-050102-echo-wine-3fa2`: sorts by time, says what ran where, and never collides. */
export function newRunId(suite: string, target: string, now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp = `${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}-${pad(now.getHours())}${pad(now.getMinutes())}${pad(now.getSeconds())}`;
  const safe = (s: string) => s.replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, 40);
  return `${stamp}-${safe(suite)}-${safe(target)}-${randomBytes(2).toString('hex')}`;
}
