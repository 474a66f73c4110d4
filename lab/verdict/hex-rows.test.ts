import { describe, expect, it } from 'vitest';
import { firstDifference, firstRowShown, HEX_LAYOUT, hexRow, rowCount } from './hex-rows.js';

const bytes = (text: string) => Uint8Array.from(Buffer.from(text, 'latin1'));

describe("the hex diff layout (the verdict's text diff and the report page's grid)", () => {
  it('the first difference: -1 when equal, the shorter end when one side is a prefix', () => {
    expect(firstDifference(bytes('hello'), bytes('hello'))).toBe(-1);
    expect(firstDifference(bytes('hello,world'), bytes('hellX'))).toBe(4);
    expect(firstDifference(bytes('hello,world'), bytes('hello'))).toBe(5);
    expect(firstDifference(bytes(''), bytes(''))).toBe(-1);
  });

  it('rows of 16 from two rows above the first difference', () => {
    expect(HEX_LAYOUT).toEqual({ row: 16, context: 2 });
    expect([0, 31, 32, 100].map((at) => firstRowShown(at, 16, 2))).toEqual([0, 0, 0, 4]);
    expect(firstRowShown(-1, 16, 2)).toBe(0);
    expect([rowCount(bytes(''), bytes(''), 16), rowCount(bytes('x'.repeat(17)), bytes('x'), 16)]).toEqual([1, 2]);
  });

  it('cells: two hex digits or .. past the end, the character when printable, marked where the other side differs', () => {
    const row = hexRow(bytes('hello,world'), bytes('hellX\x01'), 0, 16);
    expect(row.offset).toBe(0);
    expect(row.expected.slice(3, 7)).toEqual([
      { hex: '6c', text: 'l', differs: false },
      { hex: '6f', text: 'o', differs: true },
      { hex: '2c', text: ',', differs: true },
      { hex: '77', text: 'w', differs: true },
    ]);
    expect(row.actual.slice(4, 7)).toEqual([
      { hex: '58', text: 'X', differs: true },
      { hex: '01', text: '.', differs: true },
      { hex: '..', text: '', differs: true },
    ]);
    expect(row.actual[15]).toEqual({ hex: '..', text: '', differs: false });
  });
});
