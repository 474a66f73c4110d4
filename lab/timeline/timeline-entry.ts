/**
 * One line of a case's merged timeline. The report shows the DbgView stream, the driver's log file and
 * what the guest did (its steps, its OutputDebugString lines, the client's output) as one sequence.
 */
export type TimelineSource = 'dbgprint' | 'driver-log' | 'guest' | 'target' | 'step';

export interface TimelineEntry {
  /** Milliseconds since the case began (its begin marker); null when nothing places the line in time. */
  atMs: number | null;
  /** atMs was inferred, not read: steps from their measured durations, driver-log-only lines from their neighbours. */
  estimated?: boolean;
  /** Who said it; a DbgPrint line the driver also wrote to its log file has both. */
  sources: TimelineSource[];
  text: string;
  /** The DbgView sequence number and wall clock, for lines read from the debug stream. */
  seq?: number;
  clock?: string;
  /** The step this entry reports (steps and the client's output). */
  step?: number;
  /** A failed step or a crash line: what a reader looks for first. */
  bad?: boolean;
}
