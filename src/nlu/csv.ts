import { FrontdeskError } from '../errors.js';

/**
 * Parses RFC 4180 CSV: quoted fields may hold commas, doubled quotes and line breaks; rows end in CRLF or LF.
 * Returns every row, the header included, as arrays of strings.
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
  return rows;
}

/**
 * Reads a labelled question set (`text,category` by default) into examples, trimming the text.
 * Rows with an empty text are skipped.
 *
 * @example
 * parseLabelledCsv(readFileSync('train.csv', 'utf8')); // [{ text: 'I am still waiting on my card?', label: 'card_arrival' }, …]
 */
export function parseLabelledCsv(source: string, options: { textColumn?: string; labelColumn?: string } = {}): Array<{ text: string; label: string }> {
  const [header, ...rows] = parseCsv(source);
  const textColumn = options.textColumn ?? 'text';
  const labelColumn = options.labelColumn ?? 'category';
  const textIndex = header?.indexOf(textColumn) ?? -1;
  const labelIndex = header?.indexOf(labelColumn) ?? -1;
  if (textIndex === -1 || labelIndex === -1) {
    throw new FrontdeskError(
      'body_invalid',
      `CSV header needs the columns "${textColumn}" and "${labelColumn}" (found: ${header?.map((name) => `"${name}"`).join(', ') || 'nothing'}).`,
    );
  }
  return rows
    .filter((row) => row.length > 1 || row[0] !== '')
    .map((row) => ({ text: (row[textIndex] ?? '').trim(), label: (row[labelIndex] ?? '').trim() }))
    .filter((example) => example.text !== '');
}
