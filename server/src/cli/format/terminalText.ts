// Text from manifests (names, paths, messages quoting them) on its way to a terminal or a log:
// control characters would act there (ESC sequences set the window title, clear the screen, make
// OSC 8 links) and a newline in a name could forge a line such as "✔ No problems". They are shown
// escaped instead, as are the bidirectional overrides that reorder what a reader sees.

const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** The text with newlines as `\n`, tabs as `\t`, other control and bidi characters as `\xNN` / `\uNNNN`. */
export function terminalText(s: string): string {
  return s.replace(UNSAFE, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
