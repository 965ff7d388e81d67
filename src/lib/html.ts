/**
 * Escaping text that goes into HTML (Cetec renders `internal_comments` and `sourcing_comments` as
 * HTML). User-written text (notes, names) always passes through `escapeHtml`; only our own markup
 * is written raw.
 */
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ENTITIES[ch]!);
}

/** Escaped text with line breaks as `<br>` (CRLF, CR and LF alike). */
export function escapeHtmlLines(text: string): string {
  return escapeHtml(text).replace(/\r\n|\r|\n/g, '<br>');
}

/** An anchor with an escaped href and text. */
export function htmlLink(href: string, text: string): string {
  return `<a href="${escapeHtml(href)}">${escapeHtml(text)}</a>`;
}
