// Markdown that renders manifest text as text: every name and value from a manifest goes through
// `text()`, so a crafted name cannot become a link, an image or HTML in a hover.
export function text(value: string | number): string {
  return String(value)
    .replace(/[\\`*_{}[\]()#+\-.!|~>]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;');
}

/** Inline code; backticks inside are replaced so that the span cannot be closed early. */
export function code(value: string | number): string {
  const s = String(value)
    .replace(/`/g, 'ˋ')
    .replace(/[\r\n]+/g, ' ');
  return `\`${s}\``;
}

export function link(label: string, target: string): string {
  return `[${label}](${target.replace(/[()\s]/g, (c) => encodeURIComponent(c))})`;
}
