import { hostname } from 'node:os';
import { join } from 'node:path';
import { XMLBuilder } from 'fast-xml-parser';
import { writeAtomically } from '../files/atomic-file.js';
import type { CaseResult } from '../verdict/case-result.js';
import type { FinalReport, Reporter } from './reporter.js';

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', format: true, suppressEmptyNode: true, indentBy: '  ' });
const OPEN_CLOSE_MARK = '__lab_testcases__';

/**
 * junit.xml in the shape Jenkins and GitHub test-report actions read: one <testcase> per case (classname
 * the suite, name the case id), <failure> for failed, <error> for crashed / hung / error (type says
 * which), <skipped> with its reason, and the case's log slice in <system-out>. Streamed case by case.
 */
export class JunitReporter implements Reporter {
  readonly name = 'junit';
  readonly writes = 'junit.xml';

  async onEnd(report: FinalReport): Promise<void> {
    const h = report.header;
    const s = h.summary;
    // A waived case is a known failure, an inconclusive one was not judged: CI tools should fail on
    // neither, so both are reported as skipped (with the reason).
    const counts = {
      '@_tests': s.total,
      '@_failures': s.failed,
      '@_errors': s.crashed + s.hung + s.error,
      '@_skipped': s.skipped + (s.waived ?? 0) + (s.inconclusive ?? 0),
      '@_time': seconds(h.durationMs),
    };
    const shell = builder.build({
      '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
      testsuites: {
        '@_name': `lab ${h.suite}`,
        ...counts,
        testsuite: {
          '@_name': h.suite,
          ...counts,
          '@_timestamp': h.startedAt,
          '@_hostname': hostname(),
          properties: {
            property: [
              prop('target', h.target),
              prop('driver', h.driver.path),
              prop('driver.sha256', h.driver.sha256),
              prop('run', h.runId),
              prop('status', h.status),
            ],
          },
          mark: OPEN_CLOSE_MARK,
        },
      },
    }) as string;
    const [before, after] = splitAtMark(shell);
    await writeAtomically(join(report.outDir, 'junit.xml'), async (write) => {
      write(before);
      for await (const c of report.cases()) write(builder.build({ testcase: testcase(c, h.suite) }) as string);
      write(after);
    });
  }
}

function testcase(c: CaseResult, suite: string): Record<string, unknown> {
  const node: Record<string, unknown> = { '@_classname': suite, '@_name': clean(c.id), '@_time': seconds(c.durationMs) };
  const message = clean(c.message ?? c.status);
  const firstLine = message.split('\n')[0] ?? '';
  if (c.status === 'failed') node.failure = { '@_message': firstLine, '@_type': c.blame, '#text': message };
  else if (c.status === 'crashed' || c.status === 'hung' || c.status === 'error') {
    const detail = [message, c.evidence?.signature, c.evidence?.backtrace].filter(Boolean).join('\n\n');
    node.error = { '@_message': firstLine, '@_type': `${c.status}/${c.blame}`, '#text': clean(detail) };
  } else if (c.status === 'skipped') node.skipped = { '@_message': firstLine };
  // JUnit has no "could not judge": skipped, with the target's gap as the reason, never a failure.
  else if (c.status === 'inconclusive') node.skipped = { '@_message': clean(`inconclusive (${c.blame}): ${firstLine}`) };
  else if (c.status === 'waived')
    node.skipped = { '@_message': clean(`waived (${c.waiver.status}): ${c.waiver.reason}${c.waiver.link ? ` ${c.waiver.link}` : ''}`) };
  const out = [
    ...(c.status === 'flaky' ? [`flaky: ${message}`] : []),
    ...(c.log?.debug ?? []),
    ...(c.log?.driverLog.length ? ['--- driver log ---', ...c.log.driverLog] : []),
  ];
  if (out.length) node['system-out'] = clean(out.join('\n'));
  return node;
}

function prop(name: string, value: string) {
  return { '@_name': name, '@_value': clean(value) };
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/** XML 1.0 cannot carry most control characters, whatever the escaping; drivers print them anyway. */
function clean(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function splitAtMark(xml: string): [string, string] {
  const lines = xml.split('\n');
  const at = lines.findIndex((l) => l.includes(OPEN_CLOSE_MARK));
  return [`${lines.slice(0, at).join('\n')}\n`, `${lines.slice(at + 1).join('\n')}`];
}
