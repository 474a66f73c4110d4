/**
 * The lines lab-monitor (driver/monitor/) writes on the Wine session's stderr: `lab-monitor <token> {json}`.
 * The token is made per session by the host, so a line with it is the monitor's and nothing a driver or a
 * program printed can pass for one. Addresses stay hex strings (64-bit); codes and offsets are numbers.
 * The driver hosts write their DbgPrint lines themselves (lab-prints.dll) in the same format under a token
 * of their own, which a host can read: under it only `print` lines count.
 */
import { z } from 'zod';

const hex = z.string().regex(/^0x[0-9a-f]+$/);
const hexNumber = hex.transform((s) => Number.parseInt(s, 16));
const pid = z.number().int().nonnegative();

const Where = { module: z.string().optional(), offset: hexNumber.optional() };

const PrintSchema = z.object({ t: z.literal('print'), pid, tid: z.number(), text: z.string(), bytes: z.number().optional(), atLeast: z.number().optional() });

const MonitorEventSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('host'), service: z.string(), pid, ms: z.number(), prints: z.enum(['host', 'debug-event']).optional() }),
  z.object({ t: z.literal('module'), pid, base: hex, size: hexNumber, path: z.string() }),
  z.object({ t: z.literal('unmodule'), pid, base: hex, name: z.string() }),
  PrintSchema,
  z.object({
    t: z.literal('fault'),
    pid,
    tid: z.number(),
    code: hexNumber,
    address: hex,
    ...Where,
    p0: hex.optional(),
    p1: hex.optional(),
    p2: hex.optional(),
    p3: hex.optional(),
    stub: z.string().optional(),
  }),
  z.object({ t: z.literal('ending'), pid, tid: z.number(), status: hexNumber }),
  z.object({ t: z.literal('frame'), pid, n: z.number(), pc: hex, ...Where, symbol: z.string().optional(), displacement: hexNumber.optional() }),
  z.object({ t: z.literal('done'), pid }),
  z.object({
    t: z.literal('exit'),
    pid,
    code: hexNumber,
    faulted: z.number(),
    recent: z.array(z.object({ code: hexNumber, address: hex, ...Where })),
  }),
  z.object({ t: z.literal('warning'), text: z.string(), error: z.number() }),
  z.object({ t: z.literal('failed'), text: z.string(), error: z.number() }),
]);

export type MonitorEvent = z.infer<typeof MonitorEventSchema>;
export type PrintEvent = z.infer<typeof PrintSchema>;
export type FaultEvent = Extract<MonitorEvent, { t: 'fault' }>;
export type EndingEvent = Extract<MonitorEvent, { t: 'ending' }>;
export type FrameEvent = Extract<MonitorEvent, { t: 'frame' }>;
export type ExitEvent = Extract<MonitorEvent, { t: 'exit' }>;

const PREFIX = 'lab-monitor ';

type Bad = { t: 'bad'; text: string };

/**
 * The monitor's event on this line, `undefined` when the line is not the monitor's (another token, or
 * none), or `{ bad }` when it carries the token but not a valid event (a harness problem to report).
 */
export function parseMonitorLine(line: string, token: string): MonitorEvent | Bad | undefined {
  return parseUnder(line, token, MonitorEventSchema);
}

/** A DbgPrint line a driver host wrote itself (under the prints' token): like parseMonitorLine, `print` events only. */
export function parseHostPrintLine(line: string, printToken: string): PrintEvent | Bad | undefined {
  return parseUnder(line, printToken, PrintSchema);
}

function parseUnder<T>(line: string, token: string, schema: z.ZodType<T>): T | Bad | undefined {
  const head = `${PREFIX}${token} `;
  if (!line.startsWith(head)) return undefined;
  const body = line.slice(head.length).replace(/\r$/, '');
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { t: 'bad', text: body };
  }
  const parsed = schema.safeParse(json);
  return parsed.success ? parsed.data : { t: 'bad', text: body };
}
