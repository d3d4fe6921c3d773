import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { CatalogProduct, PurchaseLine } from '../../../src/recommend/index.js';
import { parseCsv } from './csv.js';

export interface RetailData {
  lines: PurchaseLine[];
  products: CatalogProduct[];
  counts: { rows: number; invoices: number; products: number; customers: number };
}

/**
 * Reads the UCI Online Retail file and applies the README's common cut: a CustomerID, an InvoiceNo not starting with
 * C, Quantity > 0, a StockCode whose first five characters are digits. Products get the median UnitPrice as price, the
 * first Description seen as name, an empty category and stock 1 (the file has no stock levels). Returns undefined when
 * the file is missing.
 */
export function loadRetailData(path: string): RetailData | undefined {
  if (!existsSync(path)) return undefined;
  const text = gunzipSync(readFileSync(path)).toString('utf8');
  const lines: PurchaseLine[] = [];
  const prices = new Map<string, number[]>();
  const names = new Map<string, string>();
  let column: Record<string, number> | undefined;
  parseCsv(text, (fields) => {
    if (!column) {
      column = Object.fromEntries(fields.map((name, index) => [name.trim(), index]));
      for (const name of ['InvoiceNo', 'StockCode', 'Description', 'Quantity', 'InvoiceDate', 'UnitPrice', 'CustomerID']) {
        if (column[name] === undefined) throw new Error(`${path}: column ${name} is missing from the header`);
      }
      return;
    }
    const customer = fields[column.CustomerID!]!.trim();
    const invoiceId = fields[column.InvoiceNo!]!.trim();
    const quantity = Number(fields[column.Quantity!]);
    const stockCode = fields[column.StockCode!]!.trim();
    if (!customer || invoiceId.startsWith('C') || !(quantity > 0) || !/^\d{5}/.test(stockCode)) return;
    // "17850.0" in the Spark export; keep the integer part so ids read as the UCI ones.
    const customerId = customer.replace(/\.0+$/, '');
    // "YYYY-MM-DD HH:MM:SS", UK local time without zone: read as UTC, which keeps order and gaps intact.
    const at = new Date(`${fields[column.InvoiceDate!]!.trim().replace(' ', 'T')}Z`);
    lines.push({ customerId, productId: stockCode, invoiceId, quantity, at });
    const price = Number(fields[column.UnitPrice!]);
    let productPrices = prices.get(stockCode);
    if (!productPrices) prices.set(stockCode, (productPrices = []));
    productPrices.push(price);
    const description = fields[column.Description!]!.trim();
    if (description && !names.has(stockCode)) names.set(stockCode, description);
  });
  const products: CatalogProduct[] = [...prices.keys()].sort().map((id) => {
    const sorted = prices.get(id)!.sort((a, b) => a - b);
    const middle = sorted.length >> 1;
    const price = sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
    return { id, name: names.get(id) ?? id, category: '', price, stock: 1 };
  });
  return {
    lines,
    products,
    counts: {
      rows: lines.length,
      invoices: new Set(lines.map((line) => line.invoiceId)).size,
      products: products.length,
      customers: new Set(lines.map((line) => line.customerId)).size,
    },
  };
}
