/** The text of a file, or the byte where it stops being text. */
export type Decoded = { text: string } | { offset: number; found: string };

/**
 * Strict UTF-8 without NUL bytes, a byte-order mark dropped. Neither YAML nor JSON can hold a raw NUL, and
 * a NUL or a bad sequence means a binary or mangled file: refused at its first bad byte rather than
 * decoded into U+FFFD and read as something the author never wrote.
 */
export function decodeUtf8(bytes: Uint8Array): Decoded {
  const nul = bytes.indexOf(0);
  const atNul = { offset: nul, found: 'a NUL byte (is this a binary file?)' };
  let text: string;
  try {
    // The decoder drops a leading byte-order mark (ignoreBOM is false).
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const bad = firstInvalidUtf8(bytes);
    return nul >= 0 && nul < bad ? atNul : { offset: bad, found: 'a byte sequence that is not UTF-8 (is this a binary file?)' };
  }
  return nul >= 0 ? atNul : { text };
}

/** The longest prefix that decodes (streaming, so one cut inside a character still does), then back to the start of the bad sequence. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let at = longestStreamingPrefix(bytes);
  for (let back = 0; back < 4 && at > 0 && !decodes(bytes.subarray(0, at)); back++) at--;
  return at;
}

function decodes(bytes: Uint8Array, stream = false): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream });
    return true;
  } catch {
    return false;
  }
}

/** Binary search: decoding is linear, so finding the bad byte costs O(n log n), never O(n²). */
function longestStreamingPrefix(bytes: Uint8Array): number {
  let lo = 0;
  let hi = bytes.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (decodes(bytes.subarray(0, mid), true)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
