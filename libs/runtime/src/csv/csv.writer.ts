/** One CSV row: fields quoted when they hold a comma, quote, newline or leading/trailing space. */
export function csvRow(values: string[]): string {
  return values.map((value) => (/[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value)).join(',');
}

/** A CSV document as Excel opens it: UTF-8 with a BOM, CRLF line ends. */
export function csvDocument(header: string[], rows: string[][]): string {
  return '\uFEFF' + [csvRow(header), ...rows.map(csvRow)].join('\r\n') + '\r\n';
}
