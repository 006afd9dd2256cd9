/** Builders for SVG and HTML elements as strings; every attribute value and text is escaped here. */
import { escapeHtml } from './escape.ts';

export type Attributes = Readonly<Record<string, string | number | undefined>>;

const attributeText = (attributes: Attributes): string =>
  Object.entries(attributes)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([name, value]) => ` ${name}="${escapeHtml(typeof value === 'number' ? round(value) : value)}"`)
    .join('');

/** Rounds a coordinate to one decimal, which is finer than a pixel and keeps the file small. */
const round = (value: number): string => String(Math.round(value * 10) / 10);

/** An element with already rendered children (markup, not text). */
export const element = (name: string, attributes: Attributes, children: ReadonlyArray<string> = []): string =>
  children.length === 0 ? `<${name}${attributeText(attributes)}/>` : `<${name}${attributeText(attributes)}>${children.join('')}</${name}>`;

/** An element whose content is the given text, escaped. */
export const textElement = (name: string, attributes: Attributes, text: string): string =>
  `<${name}${attributeText(attributes)}>${escapeHtml(text)}</${name}>`;

/** A tooltip for the enclosing SVG element. */
export const tooltip = (text: string): string => textElement('title', {}, text);

export const line = (x1: number, y1: number, x2: number, y2: number, attributes: Attributes = {}): string =>
  element('line', { x1, y1, x2, y2, ...attributes });

export const label = (x: number, y: number, text: string, attributes: Attributes = {}): string =>
  textElement('text', { x, y, ...attributes }, text);
