import type { CatalogProduct, PurchaseLine } from '../../../src/recommend/index.js';

/** A small bike shop: helmets, lights, locks, bottles. */
export const bikeShop: CatalogProduct[] = [
  { id: 'helmet', name: 'Trail Helmet', category: 'Helmets', price: 60, stock: 5, description: 'Ventilated helmet for trail riding' },
  { id: 'lights', name: 'Commuter Lights', category: 'Lights', price: 25, stock: 12, description: 'USB rechargeable front and rear bike lights' },
  { id: 'lights-pro', name: 'Commuter Lights Pro', category: 'Lights', price: 45, stock: 3, description: 'Brighter USB rechargeable front and rear bike lights' },
  { id: 'lock', name: 'D-Lock', category: 'Locks', price: 35, stock: 8, description: 'Hardened steel lock' },
  { id: 'bottle', name: 'Water Bottle', category: 'Accessories', price: 8, stock: 40, description: 'Insulated bottle' },
  { id: 'gloves', name: 'Trail Gloves', category: 'Clothing', price: 20, stock: 6, description: 'Padded gloves for trail riding' },
  { id: 'pump', name: 'Mini Pump', category: 'Tools', price: 15, stock: 0, description: 'Frame-mounted pump' },
];

const day = (n: number) => new Date(Date.UTC(2026, 0, 1 + n));
let invoiceNumber = 0;

/** One invoice of `customerId` on day `n` with one unit of each product. */
export function invoice(customerId: string, n: number, productIds: string[]): PurchaseLine[] {
  const invoiceId = `inv-${++invoiceNumber}`;
  return productIds.map((productId) => ({ customerId, productId, invoiceId, quantity: 1, at: day(n) }));
}

export const at = day;
