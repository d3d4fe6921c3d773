import { expect, test } from 'vitest';
import { parseCsv, parseLabelledCsv } from '../../../src/nlu/csv.js';

test('quoted fields keep their commas, doubled quotes and line breaks', () => {
  const source = 'text,category\r\n"Hi, there",greeting\r\n"\nWhere is my ""PIN""?",pin\r\nplain,other\r\n';
  expect(parseCsv(source)).toEqual([
    ['text', 'category'],
    ['Hi, there', 'greeting'],
    ['\nWhere is my "PIN"?', 'pin'],
    ['plain', 'other'],
  ]);
});

test('labelled rows are trimmed and the last row needs no line break', () => {
  expect(parseLabelledCsv('category,text\n"card_arrival","\n  Where is my card?"\nfee,why a fee')).toEqual([
    { text: 'Where is my card?', label: 'card_arrival' },
    { text: 'why a fee', label: 'fee' },
  ]);
});

test('a header without the expected columns is refused with the columns it has', () => {
  expect(() => parseLabelledCsv('question,answer\na,b\n')).toThrow(/"text" and "category".*"question", "answer"/);
});
