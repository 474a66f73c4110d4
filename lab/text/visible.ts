/**
 * Text from drivers and suites is shown, never obeyed: control characters that a terminal acts on (ESC
 * sequences that set the title, clear the screen or colour it; BEL; CR that overwrites a line; C1 controls
 * such as CSI) and the bidirectional overrides that reorder what is seen are written as escapes (`\x1b`,
 * `\u202e`). Newlines and tabs stay unless asked: lab's own messages are multi-line.
 */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const CONTROL_AND_BREAKS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

export function visible(text: string, options: { oneLine?: boolean } = {}): string {
  return text.replace(options.oneLine ? CONTROL_AND_BREAKS : CONTROL, escapeCharacter);
}

function escapeCharacter(ch: string): string {
  const code = ch.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}
