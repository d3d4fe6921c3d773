/**
 * A small RFC 4180 CSV parser: quoted fields may hold commas, quotes ("") and line breaks. Calls `onRow` for every
 * record, header included; CR before LF is dropped.
 *
 * @example
 * parseCsv('a,"b, c"\n1,2\n', (fields) => console.log(fields)); // ['a', 'b, c'] then ['1', '2']
 */
export function parseCsv(text: string, onRow: (fields: string[]) => void): void {
  let fields: string[] = [];
  let field = '';
  let position = 0;
  const length = text.length;
  while (position < length) {
    const char = text.charCodeAt(position);
    if (char === 34 /* " */ && field === '') {
      // Quoted field: read to the closing quote, "" being an escaped quote.
      position++;
      for (;;) {
        const close = text.indexOf('"', position);
        if (close === -1) throw new Error(`CSV: unterminated quoted field starting near offset ${position}`);
        field += text.slice(position, close);
        if (text.charCodeAt(close + 1) === 34) { field += '"'; position = close + 2; } else { position = close + 1; break; }
      }
      continue;
    }
    if (char === 44 /* , */) { fields.push(field); field = ''; position++; continue; }
    if (char === 10 /* \n */ || char === 13 /* \r */) {
      fields.push(field); onRow(fields); fields = []; field = '';
      position += char === 13 && text.charCodeAt(position + 1) === 10 ? 2 : 1;
      continue;
    }
    // Plain run: copy up to the next separator in one slice.
    let end = position;
    while (end < length) {
      const next = text.charCodeAt(end);
      if (next === 44 || next === 10 || next === 13) break;
      end++;
    }
    field += text.slice(position, end);
    position = end;
  }
  if (field !== '' || fields.length) { fields.push(field); onRow(fields); }
}
