/** Thrown for a quoted field that is never closed; `line` is where it starts. */
export class CsvError extends Error {
  constructor(readonly line: number) {
    super(`unterminated quoted field starting on line ${line}`);
  }
}

/**
 * RFC 4180 CSV: quoted fields may hold commas, quotes ("") and newlines; a leading BOM is dropped;
 * blank lines are no rows. With each row, the 1-based line it starts on and its text as written.
 * Used by the server's import and by the web page's import preview, so both number rows alike.
 */
export function parseCsv(text: string): { rows: string[][]; lines: number[]; sources: string[] } {
  const input = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const rows: string[][] = [];
  const lines: number[] = []; // the 1-based line each row starts on, for messages
  const sources: string[] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let fieldStarted = false;
  let rowStart = 0;
  const endRow = (end: number) => {
    row.push(field);
    // A blank line is no row.
    if (!(row.length === 1 && row[0] === '' && !fieldStarted)) {
      rows.push(row);
      lines.push(rowLine);
      sources.push(input.slice(rowStart, end));
    }
    row = [];
    field = '';
    fieldStarted = false;
  };
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
      endRow(end);
      line++;
      rowLine = line;
      rowStart = i + 1;
    } else {
      field += char;
      fieldStarted = true;
    }
  }
  if (quoted) throw new CsvError(rowLine);
  if (field !== '' || row.length > 0 || fieldStarted) endRow(input.length);
  return { rows, lines, sources };
}

/** One CSV row: fields quoted when they hold a comma, quote, newline or leading/trailing space. */
export function csvRow(values: string[]): string {
  return values.map((value) => (/[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value)).join(',');
}

/** A CSV document as Excel opens it: UTF-8 with a BOM, CRLF line ends. */
export function csvDocument(header: string[], rows: string[][]): string {
  return '\uFEFF' + [csvRow(header), ...rows.map(csvRow)].join('\r\n') + '\r\n';
}

/** `{a: {b: 1}, c: [1]}` → `{'a.b': '1', c: '[1]'}`: objects flattened into columns, the rest as text. */
export function flatten(value: unknown, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, item] of Object.entries(value)) flatten(item, prefix ? `${prefix}.${key}` : key, out);
  } else if (prefix) {
    out[prefix] = value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  }
  return out;
}
