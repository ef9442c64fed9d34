/**
 * What an import file holds, read in the browser before it is sent: the columns, the records and the
 * source text of each, so that the rows the server rejects can be shown as they were written. Rows
 * are numbered as the server numbers them: a CSV record by the 1-based line it starts on (the header
 * is line 1), a JSON user by its index + 1.
 */
export interface ImportPreview {
  format: 'csv' | 'json';
  columns: string[];
  records: PreviewRecord[];
  /** Why the file cannot be read, when it cannot. */
  problem?: string;
}

export interface PreviewRecord {
  row: number;
  cells: string[];
  source: string;
}

export function previewImport(text: string, fileName = ''): ImportPreview {
  const looksJson = /\.json$/i.test(fileName) || /^\s*[[{]/.test(text);
  return looksJson ? previewJson(text) : previewCsv(text);
}

function previewJson(text: string): ImportPreview {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { format: 'json', columns: [], records: [], problem: `Not valid JSON: ${(error as Error).message}` };
  }
  if (!Array.isArray(parsed)) return { format: 'json', columns: [], records: [], problem: 'A JSON import must be an array of users.' };
  const columns = [...new Set(parsed.flatMap((item) => (item && typeof item === 'object' ? Object.keys(item as object) : [])))];
  const records = parsed.map((item, index) => ({
    row: index + 1,
    cells: columns.map((column) => cellText((item as Record<string, unknown> | null)?.[column])),
    source: JSON.stringify(item),
  }));
  return { format: 'json', columns, records };
}

function cellText(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** RFC 4180, as the server reads it: quoted fields may hold commas, "" and newlines; blank lines are no rows. */
function previewCsv(text: string): ImportPreview {
  const input = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const rows: PreviewRecord[] = [];
  let cells: string[] = [];
  let field = '';
  let quoted = false;
  let started = false;
  let line = 1;
  let rowLine = 1;
  let rowStart = 0;
  const endRow = (end: number) => {
    cells.push(field);
    if (!(cells.length === 1 && cells[0] === '' && !started)) rows.push({ row: rowLine, cells, source: input.slice(rowStart, end) });
    cells = [];
    field = '';
    started = false;
  };
  for (let i = 0; i < input.length; i++) {
    const char = input[i];
    if (quoted) {
      if (char === '"' && input[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else {
        if (char === '\n') line++;
        field += char;
      }
      continue;
    }
    if (char === '"' && field === '') {
      quoted = true;
      started = true;
    } else if (char === ',') {
      cells.push(field);
      field = '';
      started = true;
    } else if (char === '\n' || char === '\r') {
      const end = i;
      if (char === '\r' && input[i + 1] === '\n') i++;
      endRow(end);
      line++;
      rowLine = line;
      rowStart = i + 1;
    } else {
      field += char;
      started = true;
    }
  }
  if (quoted) return { format: 'csv', columns: [], records: [], problem: `A quoted field starting on line ${rowLine} is never closed.` };
  if (field !== '' || cells.length > 0 || started) endRow(input.length);
  const [header, ...records] = rows;
  if (!header) return { format: 'csv', columns: [], records: [], problem: 'The file is empty.' };
  const columns = header.cells.map((column) => column.trim());
  if (!columns.includes('name')) return { format: 'csv', columns, records, problem: "The header row needs a 'name' column." };
  return { format: 'csv', columns, records };
}
