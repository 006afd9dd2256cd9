/** Results of the benchmarks as printed tables and as JSON, and the machine they ran on. */
import { cpus, platform, arch, totalmem } from 'node:os';

export type Cell = string | number;

export interface Table {
  readonly title: string;
  /** One object per row; the keys of the first row are the columns, in order. */
  readonly rows: ReadonlyArray<Readonly<Record<string, Cell>>>;
}

export interface Ratio {
  readonly name: string;
  readonly value: number;
  /** What the design predicts, for the reader to compare, such as `about 1`. */
  readonly expected: string;
}

export interface SectionResult {
  /** Stable key of the section in the JSON output. */
  readonly id: string;
  readonly title: string;
  readonly tables: ReadonlyArray<Table>;
  readonly ratios: ReadonlyArray<Ratio>;
  readonly notes: ReadonlyArray<string>;
}

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly node: string;
  readonly platform: string;
  readonly memoryGiB: number;
}

export const describeMachine = (): Machine => {
  const processors = cpus();
  return {
    cpu: processors[0]?.model.trim() ?? 'unknown',
    cores: processors.length,
    node: process.version,
    platform: `${platform()} ${arch()}`,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
  };
};

/** Formats a number for a table: integers and values of 100 or more with thousands separators,
 * smaller values with 2 decimals. */
export const formatNumber = (value: number): string => {
  if (!Number.isFinite(value)) {
    return String(value);
  }
  if (Number.isInteger(value) || Math.abs(value) >= 100) {
    return Math.round(value).toLocaleString('en-US');
  }
  return value.toFixed(2);
};

const formatCell = (cell: Cell): string => (typeof cell === 'number' ? formatNumber(cell) : cell);

/** Renders rows as an aligned text table: text columns left-aligned, numeric columns right-aligned. */
export const renderTable = (table: Table): string => {
  const first = table.rows[0];
  if (first === undefined) {
    return `${table.title}\n  (no rows)`;
  }

  const columns = Object.keys(first);
  const numeric = columns.map((column) => table.rows.every((row) => typeof row[column] === 'number'));
  const cells = table.rows.map((row) => columns.map((column) => formatCell(row[column] ?? '')));
  const widths = columns.map((column, index) =>
    Math.max(column.length, ...cells.map((row) => (row[index] as string).length)),
  );

  const pad = (text: string, index: number): string =>
    numeric[index] === true ? text.padStart(widths[index] as number) : text.padEnd(widths[index] as number);
  const line = (row: ReadonlyArray<string>): string => `  ${row.map(pad).join('  ')}`.trimEnd();

  return [table.title, line(columns), line(widths.map((width) => '-'.repeat(width))), ...cells.map(line)].join('\n');
};

export const renderSection = (section: SectionResult): string => {
  const parts = [`== ${section.title} ==`, ...section.tables.map(renderTable)];
  if (section.ratios.length > 0) {
    parts.push(
      ['ratios', ...section.ratios.map((ratio) => `  ${ratio.name}: ${ratio.value.toFixed(2)} (expected ${ratio.expected})`)].join(
        '\n',
      ),
    );
  }
  parts.push(...section.notes.map((note) => `note: ${note}`));
  return parts.join('\n\n');
};
