/** Thrown for a quoted field that is never closed; `line` is where it starts. */
export class CsvError extends Error {
  constructor(readonly line: number) {
    super(`unterminated quoted field starting on line ${line}`);
  }
}

/** One CSV row: its cells, the 1-based line it starts on, and where its text lies in the input. */
export interface CsvRecord {
  cells: string[];
  line: number;
  /** The row's text as written is `input.slice(start, end)` (after a leading BOM is dropped). */
  start: number;
  end: number;
}

/**
 * RFC 4180 CSV, row by row: quoted fields may hold commas, quotes ("") and newlines; a leading BOM
 * is dropped; blank lines are no rows. Lazy, so an import holds one batch of rows, not the file's.
 * Throws `CsvError` when it reaches a quoted field that is never closed.
 */
export function* csvRecords(text: string): Generator<CsvRecord> {
  const input = text.startsWith('\uFEFF') ? text.slice(1) : text;
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let fieldStarted = false;
  let rowStart = 0;
  for (let i = 0; i < input.length; i++) {
    const char = input[i];
    if (quoted) {
      if (char === '"' && input[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') {
        quoted = false;
      } else {
        if (char === '\n') line++;
        field += char;
      }
      continue;
    }
    if (char === '"' && field === '') {
      quoted = true;
      fieldStarted = true;
    } else if (char === ',') {
      row.push(field);
      field = '';
      fieldStarted = true;
    } else if (char === '\n' || char === '\r') {
      const end = i;
      if (char === '\r' && input[i + 1] === '\n') i++;
      row.push(field);
      // A blank line is no row.
      if (!(row.length === 1 && row[0] === '' && !fieldStarted)) yield { cells: row, line: rowLine, start: rowStart, end };
      row = [];
      field = '';
      fieldStarted = false;
      line++;
      rowLine = line;
      rowStart = i + 1;
    } else {
      field += char;
      fieldStarted = true;
    }
  }
  if (quoted) throw new CsvError(rowLine);
  if (field !== '' || row.length > 0 || fieldStarted) yield { cells: [...row, field], line: rowLine, start: rowStart, end: input.length };
}

/** All of a CSV text's rows (`csvRecords`), with the line each starts on and its text as written; for the import preview. */
export function parseCsv(text: string): { rows: string[][]; lines: number[]; sources: string[] } {
  const input = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const rows: string[][] = [];
  const lines: number[] = [];
  const sources: string[] = [];
  for (const record of csvRecords(text)) {
    rows.push(record.cells);
    lines.push(record.line);
    sources.push(input.slice(record.start, record.end));
  }
  return { rows, lines, sources };
}

// Writing CSV is the runtime's (the usage API writes it too); the batch API's exports use it from here.
export { csvDocument, csvRow } from '@userscope/runtime';

/** `{a: {b: 1}, c: [1]}` → `{'a.b': '1', c: '[1]'}`: objects flattened into columns, the rest as text. */
export function flatten(value: unknown, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, item] of Object.entries(value)) flatten(item, prefix ? `${prefix}.${key}` : key, out);
  } else if (prefix) {
    out[prefix] = value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  }
  return out;
}
