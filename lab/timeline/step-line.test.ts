import { describe, expect, it } from 'vitest';
import { stepLine } from './step-line.js';

describe('a step as a timeline line', () => {
  it('says what a read, a write, a wait and a cancel did, with their async name and bytes', () => {
    const transfer = { inLength: 0, outLength: 0, output: '' };
    expect(stepLine({ index: 2, kind: 'read', ...transfer, outLength: 16, error: 0, status: 0, bytesReturned: 7, elapsedUs: 210, ok: true })).toBe(
      'step 2 read 16 → error 0, 7 bytes (210 µs)',
    );
    expect(stepLine({ index: 3, kind: 'write', ...transfer, inLength: 5, error: 1784, status: 0xc00000e8, bytesReturned: 0, elapsedUs: 40, ok: false })).toBe(
      'step 3 write 5 → error 1784 0xC00000E8, 0 bytes (40 µs) ✗',
    );
    expect(
      stepLine({ index: 4, kind: 'wait', ...transfer, async: 'parked', error: 995, status: 0xc0000120, bytesReturned: 0, elapsedUs: 3400, ok: true }),
    ).toBe('step 4 wait parked → error 995 0xC0000120, 0 bytes (3.4 ms)');
    expect(stepLine({ index: 5, kind: 'cancel', async: 'parked', error: 1168, ok: true })).toBe('step 5 cancel parked → error 1168');
  });
});
