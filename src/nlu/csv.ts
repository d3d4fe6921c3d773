import { parseCsv } from '../csv.js';
import { FrontdeskError } from '../errors.js';

export { parseCsv };

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
