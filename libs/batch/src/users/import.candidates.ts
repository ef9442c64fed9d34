import { BatchMessages } from '../batch.messages';
import { badRequest } from '../batch-http.errors';
import { csvRecords } from './csv';
import { badCsvColumn, tooDeepCsvColumn, userFromCsv } from './user.record';

/** One row of an import: a user's fields to check, or why the row is no user. `row` numbers it for the report. */
export type ImportCandidate = { row: number; value: unknown } | { row: number; reason: string };

/**
 * The rows of a CSV import, one at a time: the header is checked when the first is asked for
 * (400 for a missing `name` column or a bad column), a row with the wrong number of cells is a
 * reason. Lazy, so the import holds only the batch it is writing.
 */
export function* csvCandidates(text: string, maxDepth: number): Generator<ImportCandidate> {
  const records = csvRecords(text);
  const header = next(records);
  const columns = header?.cells.map((column) => column.trim()) ?? [];
  if (!columns.includes('name')) throw badRequest(BatchMessages.csvHeader());
  const badColumn = badCsvColumn(columns);
  if (badColumn !== undefined) throw badRequest(BatchMessages.csvColumn(badColumn));
  const deepColumn = tooDeepCsvColumn(columns, maxDepth);
  if (deepColumn !== undefined) throw badRequest(BatchMessages.csvColumnTooDeep(deepColumn, maxDepth));
  for (let record = next(records); record; record = next(records)) {
    const { cells, line: row } = record;
    if (cells.length !== columns.length) yield { row, reason: BatchMessages.csvCells(cells.length, columns.length) };
    else yield { row, value: userFromCsv(columns, cells) };
  }
}

/** The elements of a JSON import, numbered from 1. */
export function* jsonCandidates(json: unknown): Generator<ImportCandidate> {
  if (!Array.isArray(json)) throw badRequest(BatchMessages.badImport('a JSON import must be an array of users'));
  for (let i = 0; i < json.length; i++) yield { row: i + 1, value: json[i] };
}

/** The next record; a CSV syntax error is the import's 400. */
function next<T>(records: Iterator<T>): T | undefined {
  try {
    const result = records.next();
    return result.done ? undefined : result.value;
  } catch (error) {
    throw badRequest(BatchMessages.badImport((error as Error).message));
  }
}
