/**
 * Escaping for every string that goes into the report. Values come from the system under test and
 * from the history generator, so a value may contain markup, quotes, control characters or lone
 * surrogates. Each is written so that it shows as text and never parses as markup.
 */

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Control characters other than tab and newline, and UTF-16 surrogates without their pair. */
const UNPRINTABLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Replaces each unprintable character with its `\u{…}` code, so it stays visible in the page. */
export const printable = (text: string): string =>
  text.replace(UNPRINTABLE, (char) => `\\u{${char.charCodeAt(0).toString(16).padStart(4, '0')}}`);

/** Escapes text for HTML and SVG text content and for quoted attribute values. */
export const escapeHtml = (text: string): string => printable(text).replace(/[&<>"']/g, (char) => ENTITIES[char] ?? char);
