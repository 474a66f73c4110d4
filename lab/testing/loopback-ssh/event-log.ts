/**
 * TEST INFRASTRUCTURE (loopback SSH server): the emulated machine's System event log, as far as lab reads
 * it: BugCheck events (id 1001) that the shim writes when it simulates a bugcheck, answered to `wevtutil
 * qe System /q:... /f:xml` in Windows' XML form.
 */
import { readFileSync, writeFileSync } from 'node:fs';

export interface BugcheckRecord {
  recordId: number;
  time: string;
  code: string;
  dumpPath: string;
}

export function readEvents(file: string): BugcheckRecord[] {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as BugcheckRecord[];
  } catch {
    return [];
  }
}

export function addBugcheck(file: string, code: string, dumpPath: string): BugcheckRecord {
  const events = readEvents(file);
  const record = { recordId: 1000 + events.length + 1, time: new Date().toISOString(), code, dumpPath };
  writeFileSync(file, JSON.stringify([...events, record], null, 1));
  return record;
}

/** `wevtutil qe System /q:<query> [/rd:true] [/c:N] /f:xml`; the query must be the form lab sends. */
export function wevtutil(argv: string[], file: string): { stdout: string; code: number } {
  const args = argv.slice(1).map((a) => a.toLowerCase());
  const query = argv.find((a) => /^\/q:/i.test(a))?.slice(3);
  if (args[0] !== 'qe' || args[1] !== 'system' || !query || !args.includes('/f:xml')) return { stdout: 'The parameter is incorrect.\r\n', code: 87 };
  const m = /^\*\[System\[\(EventID=1001\) and \(EventRecordID>(\d+)\)\]\]$/.exec(query);
  if (!m) return { stdout: `The specified query is invalid: ${query}\r\n`, code: 15001 };
  const after = Number(m[1]);
  const count = Number(argv.find((a) => /^\/c:/i.test(a))?.slice(3) ?? 1e9);
  const newestFirst = args.includes('/rd:true');
  let events = readEvents(file).filter((e) => e.recordId > after);
  events.sort((a, b) => (newestFirst ? b.recordId - a.recordId : a.recordId - b.recordId));
  events = events.slice(0, count);
  return { stdout: events.map(toXml).join(''), code: 0 };
}

function toXml(e: BugcheckRecord): string {
  const x = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&apos;');
  return (
    `<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-WER-SystemErrorReporting' Guid='{ABCE23E7-DE45-4366-8631-84FA6C525952}' EventSourceName='BugCheck'/>` +
    `<EventID Qualifiers='16384'>1001</EventID><Level>2</Level><TimeCreated SystemTime='${x(e.time)}'/><EventRecordID>${e.recordId}</EventRecordID><Channel>System</Channel><Computer>LAB-LOOPBACK</Computer></System>` +
    `<EventData><Data Name='param1'>${x(e.code)}</Data><Data Name='param2'>${x(e.dumpPath)}</Data><Data Name='param3'>lab-loopback-${e.recordId}</Data></EventData></Event>`
  );
}
