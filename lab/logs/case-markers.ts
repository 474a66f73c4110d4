/** The guest runner's OutputDebugString markers around each case (driver/guest/PROTOCOL.md). */
export type Marker = { edge: 'begin' | 'end'; index: number; id: string };

const MARKER = /^lab: case-(begin|end) (\d+) (\S+)\s*$/;

export function parseMarker(text: string): Marker | undefined {
  const m = MARKER.exec(text);
  if (!m) return undefined;
  return { edge: m[1] as Marker['edge'], index: Number(m[2]), id: m[3] ?? '' };
}
