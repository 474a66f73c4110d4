/** "1 byte", "2 bytes", "0 bytes": a count with its noun, in messages people read. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
