import { CsvError, parseCsv } from '../../../../libs/batch/src/users/csv';

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

/** The server's own parser, so the preview reads and numbers rows exactly as the import will. */
function previewCsv(text: string): ImportPreview {
  let parsed: ReturnType<typeof parseCsv>;
  try {
    parsed = parseCsv(text);
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    return { format: 'csv', columns: [], records: [], problem: `A quoted field starting on line ${error.line} is never closed.` };
  }
  const rows: PreviewRecord[] = parsed.rows.map((cells, i) => ({ row: parsed.lines[i], cells, source: parsed.sources[i] }));
  const [header, ...records] = rows;
  if (!header) return { format: 'csv', columns: [], records: [], problem: 'The file is empty.' };
  const columns = header.cells.map((column) => column.trim());
  if (!columns.includes('name')) return { format: 'csv', columns, records, problem: "The header row needs a 'name' column." };
  return { format: 'csv', columns, records };
}
