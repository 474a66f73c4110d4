import type { StepReport } from '../verdict/case-result.js';
import { plural } from '../verdict/plural.js';

/** A step as one timeline line: what the guest did and what came back, e.g. `READ 0x22e008 in=0 out=1024 → error 0, 11 bytes` (an NTSTATUS other than 0 follows the error: `error 87 0xC000000D`). */
export function stepLine(s: StepReport): string {
  const took = s.elapsedUs === undefined ? '' : ` (${formatUs(s.elapsedUs)})`;
  const status = s.status === undefined || s.status === null || s.status === 0 ? '' : ` 0x${(s.status >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;
  const outcome = s.error === null ? 'not run' : `error ${s.error}${status}`;
  const mark = s.ok ? '' : ' ✗';
  const head = `step ${s.index}`;
  if (s.parallel) return `${head} parallel ${s.parallel.threads}×${s.parallel.iterations}${took}${mark}`;
  if (s.kind === 'ioctl') {
    const code = s.ioctl === undefined ? '' : ` 0x${(s.ioctl >>> 0).toString(16)}`;
    const returned = s.bytesReturned === undefined ? '' : `, ${plural(s.bytesReturned, 'byte')}`;
    return `${head} ${s.ioctlName ?? 'IOCTL'}${code} in=${s.inLength ?? 0} out=${s.outLength ?? 0} → ${outcome}${returned}${took}${mark}`;
  }
  const returned = s.bytesReturned === undefined ? '' : `, ${plural(s.bytesReturned, 'byte')}`;
  const async = s.async === undefined ? '' : ` ${s.async}`;
  if (s.kind === 'read' || s.kind === 'write')
    return `${head} ${s.kind}${async} ${s.kind === 'read' ? (s.outLength ?? 0) : (s.inLength ?? 0)} → ${outcome}${returned}${took}${mark}`;
  if (s.kind === 'wait' || s.kind === 'cancel') return `${head} ${s.kind}${async} → ${outcome}${returned}${took}${mark}`;
  if (s.kind === 'run') return `${head} run client → ${s.exitCode === undefined || s.exitCode === null ? outcome : `exit ${s.exitCode}`}${took}${mark}`;
  return `${head} ${s.kind}${s.implicit ? ' (implicit)' : ''} → ${outcome}${took}${mark}`;
}

function formatUs(us: number): string {
  return us >= 1000 ? `${(us / 1000).toFixed(1)} ms` : `${Math.round(us)} µs`;
}
