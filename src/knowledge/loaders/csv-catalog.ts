import { parseCsv } from '../../csv.js';
import type { KnowledgeChunk, LoadWarning } from '../types.js';

/** The project's CSV reader, under the name the loaders use. */
export const parseCsvRows = parseCsv;

/** A CSV is a product catalog when it has at least these columns; anything else (customers, orders) is not knowledge. */
export const CATALOG_COLUMNS = ['name', 'description'] as const;

export function isCatalogHeader(header: readonly string[]): boolean {
  const columns = header.map((column) => column.trim().toLowerCase());
  return CATALOG_COLUMNS.every((column) => columns.includes(column));
}

const money = (value: string) => {
  const amount = Number(value);
  return Number.isFinite(amount) && value.trim() !== '' ? `$${amount.toFixed(2)}` : undefined;
};

/**
 * A product catalog CSV (`id,name,category,price,description,tags,stock,url`; only name and description are
 * required) → one chunk per product, written as a sentence a customer can read.
 *
 * @example
 * loadCatalogCsv('catalog.csv', 'id,name,price,description\nP-1,Pip 16,229,A kids bike.')
 * // text: 'Pip 16 costs $229.00. A kids bike.'
 */
export function loadCatalogCsv(source: string, csv: string): { chunks: KnowledgeChunk[]; warnings: LoadWarning[] } {
  const [header, ...rows] = parseCsvRows(csv);
  if (!header || !isCatalogHeader(header)) {
    return { chunks: [], warnings: [{ source, message: `is not a product catalog: it needs the columns ${CATALOG_COLUMNS.join(', ')} (found ${header?.join(', ') || 'no header'}); it was skipped.` }] };
  }
  const column = new Map(header.map((name, index) => [name.trim().toLowerCase(), index]));
  const read = (row: string[], name: string) => {
    const index = column.get(name);
    return index === undefined ? '' : (row[index] ?? '').trim();
  };
  const chunks: KnowledgeChunk[] = [];
  const warnings: LoadWarning[] = [];
  rows.forEach((row, index) => {
    const name = read(row, 'name');
    const description = read(row, 'description');
    if (!name || !description) {
      warnings.push({ source, message: `row ${index + 2}: a product needs a name and a description; the row was skipped.` });
      return;
    }
    const category = read(row, 'category');
    const price = money(read(row, 'price'));
    const tags = read(row, 'tags').split('|').map((tag) => tag.trim()).filter(Boolean);
    const stockText = read(row, 'stock');
    const stock = stockText === '' ? undefined : Number(stockText);
    const url = read(row, 'url') || undefined;
    const sentences = [
      `${name}${category ? ` (${category})` : ''}${price ? ` costs ${price}` : ''}.`,
      /[.!?]$/.test(description) ? description : `${description}.`,
      stock === undefined || Number.isNaN(stock) ? '' : stock > 0 ? `In stock (${stock} available).` : 'Currently out of stock.',
      url ? `Details: ${url}` : '',
    ].filter(Boolean);
    const text = sentences.join(' ');
    chunks.push({ source, kind: 'product', heading: name, text, searchText: `${text}\n${tags.join(' ')}`, url });
  });
  return { chunks, warnings };
}
