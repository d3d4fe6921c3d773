import { FrontdeskError } from './errors.js';

/**
 * Parses RFC 4180 CSV: quoted fields may hold commas, doubled quotes and line breaks; rows end in CRLF or LF.
 * Returns every non-blank row, the header included, as arrays of strings. The one CSV reader of the project: the
 * knowledge catalog, the demo orders, labelled question sets and the demo-data script all use it.
 *
 * @example
 * parseCsv('text,category\r\n"Hi, there",greeting\r\n'); // [['text','category'],['Hi, there','greeting']]
 */
export function parseCsv(source: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let index = source.charCodeAt(0) === 0xfeff ? 1 : 0; // a UTF-8 byte-order mark is not part of the first header
  let isQuoted = false;
  let hasField = false;
  const endRow = () => {
    row.push(field);
    rows.push(row);
    row = [];
    field = '';
    hasField = false;
  };
  while (index < source.length) {
    const char = source[index];
    if (isQuoted) {
      if (char === '"') {
        if (source[index + 1] === '"') {
          field += '"';
          index += 2;
          continue;
        }
        isQuoted = false;
      } else field += char;
      index++;
      continue;
    }
    if (char === '"' && field === '') {
      isQuoted = true;
      hasField = true;
    } else if (char === ',') {
      row.push(field);
      field = '';
      hasField = true;
    } else if (char === '\r' || char === '\n') {
      if (char === '\r' && source[index + 1] === '\n') index++;
      endRow();
    } else {
      field += char;
      hasField = true;
    }
    index++;
  }
  if (isQuoted) throw new FrontdeskError('body_invalid', 'CSV ends inside a quoted field: a closing " is missing.');
  if (hasField || field !== '' || row.length > 0) endRow();
  // Blank lines (a trailing newline, a gap between rows) are not records.
  return rows.filter((cells) => cells.some((cell) => cell !== ''));
}
