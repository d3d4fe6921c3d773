import { expect, test } from 'vitest';
import { parseCsv } from '../../bench/recs/csv.js';

test('the benchmark CSV parser keeps quoted commas, escaped quotes and CRLF rows intact', () => {
  const rows: string[][] = [];
  parseCsv('InvoiceNo,Description,Quantity\r\n536365,"SET 2 TEA TOWELS I LOVE LONDON , ""RED""",6\n536366,,1', (fields) => rows.push(fields));
  expect(rows).toEqual([
    ['InvoiceNo', 'Description', 'Quantity'],
    ['536365', 'SET 2 TEA TOWELS I LOVE LONDON , "RED"', '6'],
    ['536366', '', '1'],
  ]);
});
