import { cmdCommandLine } from './cmd-command-line.js';
import type { SshLink } from './ssh-link.js';

/** A BugCheck event (System log, id 1001) Windows writes after rebooting from a crash. */
export interface BugcheckEvent {
  recordId: number;
  /** `0x0000003b (0x00000000c0000005, ...)`: the stop code and its four parameters. */
  code: string;
  /** Where Windows saved the dump (param2), e.g. C:\Windows\MEMORY.DMP. */
  dumpPath?: string;
  time?: string;
}

/** Providers that log event 1001 for a bugcheck (newer and older Windows). */
const PROVIDERS = new Set(['Microsoft-Windows-WER-SystemErrorReporting', 'BugCheck']);

/**
 * `wevtutil` on the guest, for 1001 events newer than a record id. Record ids, not times: the guest's
 * clock and lab's need not agree, and ids only grow. The query is built from a number lab holds, never
 * from text; the XML form is the same in every Windows language.
 */
export function bugcheckQuery(afterRecordId: number, count = 5): string {
  if (!Number.isSafeInteger(afterRecordId) || afterRecordId < 0) throw new Error(`bad record id ${afterRecordId}`);
  return cmdCommandLine(['wevtutil', 'qe', 'System', `/q:*[System[(EventID=1001) and (EventRecordID>${afterRecordId})]]`, '/rd:true', `/c:${count}`, '/f:xml']);
}

export function parseBugcheckEvents(xml: string): BugcheckEvent[] {
  const events: BugcheckEvent[] = [];
  for (const m of xml.matchAll(/<Event[\s>][\s\S]*?<\/Event>/g)) {
    const event = m[0];
    const provider = /<Provider\s[^>]*Name=['"]([^'"]+)['"]/.exec(event)?.[1];
    const id = /<EventID[^>]*>(\d+)<\/EventID>/.exec(event)?.[1];
    const recordId = Number(/<EventRecordID>(\d+)<\/EventRecordID>/.exec(event)?.[1]);
    if (id !== '1001' || !provider || !PROVIDERS.has(provider) || !Number.isSafeInteger(recordId)) continue;
    const data = (name: string) => {
      const v = new RegExp(`<Data Name=['"]${name}['"]>([\\s\\S]*?)</Data>`).exec(event)?.[1];
      return v === undefined ? undefined : decodeXml(v).trim();
    };
    const code = data('param1') ?? 'unknown stop code';
    const dumpPath = data('param2');
    const time = /<TimeCreated\s+SystemTime=['"]([^'"]+)['"]/.exec(event)?.[1];
    events.push({ recordId, code, ...(dumpPath ? { dumpPath } : {}), ...(time ? { time } : {}) });
  }
  return events.sort((a, b) => b.recordId - a.recordId);
}

/** The newest bugcheck after `afterRecordId`, if any. */
export async function newestBugcheck(link: SshLink, afterRecordId: number): Promise<BugcheckEvent | undefined> {
  const result = await link.run(bugcheckQuery(afterRecordId), { what: 'reading the System event log (wevtutil)' });
  return parseBugcheckEvents(result.stdout)[0];
}

/** The record id of the newest 1001 event now (0 when there is none): later ones are this run's. */
export async function bugcheckBaseline(link: SshLink): Promise<number> {
  return (await newestBugcheck(link, 0))?.recordId ?? 0;
}

function decodeXml(text: string): string {
  return text.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-f]+);/gi, (_, e: string) => {
    const named: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
    if (named[e.toLowerCase()]) return named[e.toLowerCase()]!;
    return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
  });
}
