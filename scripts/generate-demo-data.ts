/**
 * Generates the Riverside Cycles demo customers and orders from `knowledge/catalog.csv`.
 *
 *   npx tsx scripts/generate-demo-data.ts
 *
 * writes `knowledge/customers.csv` and `knowledge/orders.csv`. The output is fully deterministic: one seeded
 * PRNG (mulberry32), no Math.random and no clock — every date is relative to the fixed reference date
 * 2026-11-01T00:00:00Z, so running it twice gives byte-identical files. The knowledge tests re-run
 * `generateDemoData` in memory and compare against the committed files.
 *
 * The orders have structure a recommender can learn from: each customer has a persona (road, mtb, commuter,
 * ebike, family, casual) that shapes what they buy; bikes come with helmets, locks, lights and pedals;
 * riders come back for tubes, lube and their favourite gels; lights and winter clothing sell in the dark months,
 * bikes and services in spring, kids bikes and gift cards in December.
 *
 * Fulfilment follows knowledge/pages/shipping.md: parcels $7.95 (free when the products come to $75 or more),
 * express $19.95, bikes $59, e-bikes $99, and in the local delivery area the Riverside Van ($5, free from $75,
 * bikes $25) or free in-store pickup. For in-store pickup orders `shipped_at` is when the order was ready for
 * collection and `delivered_at` when it was collected.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseCsv } from '../src/csv.js';

export { parseCsv };

export const REFERENCE_DATE = '2026-11-01T00:00:00Z';
export const CUSTOMER_COUNT = 120;
export const ORDER_COUNT = 400;
export const FIRST_ORDER_NUMBER = 1001;
const SEED = 0x5eed_2026;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const REFERENCE = Date.parse(REFERENCE_DATE);
/** Orders cover the two years before the reference date. */
const ORDERS_FROM = Date.parse('2024-11-01T00:00:00Z');
const CUSTOMERS_FROM = Date.parse('2023-01-09T00:00:00Z');
const CUSTOMERS_UNTIL = Date.parse('2026-10-25T00:00:00Z');

// ---------------------------------------------------------------------------------------------------------------
// CSV


const csvField = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);
export const toCsv = (rows: string[][]) => rows.map((row) => row.map(csvField).join(',')).join('\n') + '\n';

// ---------------------------------------------------------------------------------------------------------------
// Randomness

/** mulberry32: a tiny, fast, seedable 32-bit PRNG. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

class Rng {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  float(): number {
    return this.next();
  }
  chance(probability: number): boolean {
    return this.next() < probability;
  }
  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)]!;
  }
  weighted<T>(entries: ReadonlyArray<readonly [T, number]>): T {
    const total = entries.reduce((sum, [, weight]) => sum + Math.max(0, weight), 0);
    if (total <= 0) throw new Error('weighted pick with no positive weight');
    let roll = this.next() * total;
    for (const [item, weight] of entries) {
      roll -= Math.max(0, weight);
      if (roll < 0) return item;
    }
    return entries[entries.length - 1]![0];
  }
  /** A standard normal sample (Box-Muller). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Catalog

interface Product {
  id: string;
  name: string;
  category: string;
  priceCents: number;
  tags: Set<string>;
}

const toCents = (price: string) => {
  const match = /^(\d+)\.(\d{2})$/.exec(price);
  if (!match) throw new Error(`bad price "${price}"`);
  return Number(match[1]) * 100 + Number(match[2]);
};
const formatCents = (cents: number) => `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;

function readCatalog(catalogCsv: string): Product[] {
  const [header, ...rows] = parseCsv(catalogCsv);
  const expected = 'id,name,category,price,description,tags,stock,url';
  if (header?.join(',') !== expected) throw new Error(`catalog header must be ${expected}`);
  return rows
    .filter((row) => row.length > 1)
    .map(([id, name, category, price, , tags]) => ({ id: id!, name: name!, category: category!, priceCents: toCents(price!), tags: new Set(tags!.split('|')) }));
}

class Catalog {
  constructor(readonly products: Product[]) {}
  /** Products in `category` (or any category when null) that carry every tag in `tags`. */
  find(category: string | null, ...tags: string[]): Product[] {
    return this.products.filter((p) => (category === null || p.category === category) && tags.every((tag) => p.tags.has(tag)));
  }
  byId(id: string): Product {
    const product = this.products.find((p) => p.id === id);
    if (!product) throw new Error(`no product ${id}`);
    return product;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Customers

type Persona = 'road' | 'mtb' | 'commuter' | 'ebike' | 'family' | 'casual';

interface Customer {
  id: string;
  name: string;
  email: string;
  phone: string;
  city: string;
  createdAt: number;
  persona: Persona;
  isLocal: boolean;
  activity: number;
  /** Mountain bikers ride 29ers or 27.5s; road riders may be gravel riders: it picks their tubes and tyres. */
  wheel: '29er' | '27.5';
  gravel: boolean;
  favourites: Map<string, Product>;
}

const FIRST_NAMES = [
  'Ada', 'Alma', 'Amara', 'Anika', 'Arlo', 'Asha', 'Bea', 'Bram', 'Calla', 'Cass', 'Dario', 'Delphine', 'Eamon', 'Edie', 'Elio', 'Esme',
  'Ezra', 'Faye', 'Felix', 'Greta', 'Hal', 'Hana', 'Idris', 'Ines', 'Iris', 'Jonah', 'Juno', 'Kai', 'Kavi', 'Lark', 'Leif', 'Lena',
  'Lior', 'Mabel', 'Malik', 'Marisol', 'Milo', 'Mira', 'Nadia', 'Nico', 'Noor', 'Oren', 'Orla', 'Otis', 'Pia', 'Priya', 'Quinn', 'Rafe',
  'Rhea', 'Rosa', 'Rowan', 'Sami', 'Selma', 'Soren', 'Tamsin', 'Teo', 'Thea', 'Tobin', 'Uma', 'Vera', 'Wren', 'Yara', 'Zadie', 'Zev',
];
const LAST_NAMES = [
  'Abernathy', 'Achterberg', 'Alcott', 'Ambrose', 'Ashdown', 'Barlowe', 'Bellamy', 'Brightwater', 'Calloway', 'Castellan', 'Corrigan',
  'Dunmore', 'Eastlake', 'Ellory', 'Farrant', 'Fenwick', 'Galloway', 'Greenhalgh', 'Halvorsen', 'Harrowgate', 'Hollis', 'Ingleby',
  'Jessup', 'Kettering', 'Kowalczyk', 'Larchmont', 'Lindqvist', 'Marchetti', 'Mbeki-Rowe', 'Merriweather', 'Nakamura-Bell', 'Northcott',
  'Okonkwo', 'Oyelaran', 'Pemberton', 'Quillfeather', 'Ravenscroft', 'Redgrave', 'Ruiz-Templeton', 'Salazar', 'Sandoval', 'Sato',
  'Shackleford', 'Silvermoon', 'Stanhope', 'Tennant', 'Thistlewood', 'Underhill', 'Valdivia', 'Vasquez-Hale', 'Wetherby', 'Whitlock',
  'Winterbourne', 'Yardley', 'Zielinski', 'Abara', 'Delacroix-Penn', 'Mwangi', 'Osei-Barnes', 'Petrakis',
];
/** The towns in the local delivery area (knowledge/pages/shipping.md), with how many customers live there. */
const LOCAL_TOWNS: ReadonlyArray<readonly [string, number]> = [
  ['Millbrook', 40], ['North Millbrook', 12], ['Larkfield', 10], ['Brindle Hill', 8], ['Owlcross', 7], ['Fenwick Ferry', 6],
];
/** Fictional towns further away, reached by USPS, UPS and FedEx. */
const OTHER_TOWNS = [
  'Port Calloway', 'Kestrel Point', 'Sorrel Bay', 'Ashcombe', 'Halden', 'Marrowfield', 'Quarry Hill', 'West Tamsin', 'Pellham Cross',
  'Granbury Falls', 'Oakhollow', 'Stillwater Bend',
];
const PERSONAS: ReadonlyArray<readonly [Persona, number]> = [
  ['road', 22], ['mtb', 18], ['commuter', 24], ['ebike', 12], ['family', 14], ['casual', 10],
];

const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function makeCustomers(rng: Rng): Customer[] {
  const names = new Set<string>();
  const emails = new Set<string>();
  const phones = new Set<string>();
  const drafts: Omit<Customer, 'id'>[] = [];
  for (let i = 0; i < CUSTOMER_COUNT; i++) {
    let first: string;
    let last: string;
    do {
      first = rng.pick(FIRST_NAMES);
      last = rng.pick(LAST_NAMES);
    } while (names.has(`${first} ${last}`));
    names.add(`${first} ${last}`);
    const local = `${first}.${last}`.toLowerCase().replace(/[^a-z.]/g, '');
    let email = `${local}@example.com`;
    for (let n = 2; emails.has(email); n++) email = `${local}${n}@example.com`;
    emails.add(email);
    let phone: string;
    do phone = `+1555010${String(rng.int(0, 9999)).padStart(4, '0')}`;
    while (phones.has(phone));
    phones.add(phone);
    const isLocal = rng.chance(0.62);
    const city = isLocal ? rng.weighted(LOCAL_TOWNS) : rng.pick(OTHER_TOWNS);
    const persona = rng.weighted(PERSONAS);
    const createdAt = atTime(CUSTOMERS_FROM + rng.int(0, (CUSTOMERS_UNTIL - CUSTOMERS_FROM) / DAY - 1) * DAY, rng, 7, 23);
    const personaActivity = persona === 'road' || persona === 'mtb' ? 1.4 : persona === 'casual' ? 0.7 : 1;
    drafts.push({
      name: `${first} ${last}`,
      email,
      phone,
      city,
      createdAt,
      persona,
      isLocal,
      activity: Math.min(Math.exp(rng.normal() * 0.7), 3.5) * personaActivity,
      wheel: rng.chance(0.7) ? '29er' : '27.5',
      gravel: rng.chance(0.3),
      favourites: new Map(),
    });
  }
  // Customer numbers are handed out in sign-up order.
  return drafts
    .sort((a, b) => a.createdAt - b.createdAt)
    .map((draft, index) => ({ ...draft, id: `C-${String(index + 1).padStart(4, '0')}` }));
}

// ---------------------------------------------------------------------------------------------------------------
// Dates

/** Relative order volume by month (January = 0): busy spring and summer, a December gift peak, quiet late winter. */
const MONTH_WEIGHT = [0.55, 0.6, 0.95, 1.35, 1.6, 1.5, 1.3, 1.15, 1.0, 0.9, 1.0, 1.3];
const HOUR_WEIGHT: ReadonlyArray<readonly [number, number]> = [
  [7, 2], [8, 4], [9, 6], [10, 7], [11, 7], [12, 8], [13, 7], [14, 6], [15, 6], [16, 6], [17, 6], [18, 7], [19, 8], [20, 8], [21, 6], [22, 3],
];

const startOfDay = (ms: number) => Math.floor(ms / DAY) * DAY;
const weekday = (ms: number) => new Date(ms).getUTCDay();
const monthOf = (ms: number) => new Date(ms).getUTCMonth();
const isBusinessDay = (ms: number) => weekday(ms) >= 1 && weekday(ms) <= 5;
function addBusinessDays(day: number, count: number): number {
  let result = day;
  for (let added = 0; added < count; ) {
    result += DAY;
    if (isBusinessDay(result)) added++;
  }
  return result;
}
const nextBusinessDay = (day: number) => addBusinessDays(day, 1);
const atTime = (day: number, rng: Rng, fromHour: number, toHour: number) => day + rng.int(fromHour * 60, toHour * 60 - 1) * 60_000;

/** The last week before the reference date is the autumn lights sale: busier, so the demo has orders in flight. */
const SALE_FROM = REFERENCE - 8 * DAY;
const SALE_BOOST = 5;

function seasonalMoment(rng: Rng, from: number, until: number): number {
  const maxWeight = Math.max(...MONTH_WEIGHT) * SALE_BOOST;
  for (;;) {
    const day = startOfDay(from + rng.float() * (until - from));
    if (!rng.chance((MONTH_WEIGHT[monthOf(day)]! * (day >= SALE_FROM ? SALE_BOOST : 1)) / maxWeight)) continue;
    const moment = day + rng.weighted(HOUR_WEIGHT) * HOUR + rng.int(0, 59) * 60_000;
    if (moment >= from && moment < until) return moment;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Baskets

type Basket = Map<string, number>;
type Archetype = 'newBike' | 'consumables' | 'nutrition' | 'clothing' | 'upgrade' | 'commuterKit' | 'service' | 'gift' | 'kidsGear' | 'ebikeParts';

const ARCHETYPES: Record<Persona, Partial<Record<Archetype, number>>> = {
  road: { newBike: 9, consumables: 22, nutrition: 20, clothing: 14, upgrade: 12, commuterKit: 4, service: 10, gift: 4 },
  mtb: { newBike: 9, consumables: 22, nutrition: 13, clothing: 12, upgrade: 14, commuterKit: 3, service: 12, gift: 4 },
  commuter: { newBike: 9, consumables: 14, nutrition: 3, clothing: 12, upgrade: 6, commuterKit: 26, service: 12, gift: 4 },
  ebike: { newBike: 10, consumables: 8, nutrition: 2, clothing: 8, upgrade: 3, commuterKit: 22, service: 18, gift: 4, ebikeParts: 9 },
  family: { newBike: 14, consumables: 8, clothing: 6, commuterKit: 10, service: 10, gift: 8, kidsGear: 22 },
  casual: { newBike: 11, consumables: 10, clothing: 8, upgrade: 4, commuterKit: 18, service: 12, gift: 10 },
};

const inMonths = (month: number, ...months: number[]) => months.includes(month);
const isDarkSeason = (month: number) => inMonths(month, 0, 1, 8, 9, 10, 11);
const isWinter = (month: number) => inMonths(month, 0, 1, 2, 9, 10, 11);

function seasonalFactor(archetype: Archetype, persona: Persona, month: number): number {
  switch (archetype) {
    case 'newBike':
      if (month === 11) return persona === 'family' ? 3 : 1.4;
      if (inMonths(month, 2, 3, 4, 5)) return 1.7;
      return inMonths(month, 0, 1) ? 0.6 : 1;
    case 'service':
      return inMonths(month, 2, 3, 4) ? 1.8 : inMonths(month, 0, 1, 10, 11) ? 0.6 : 1;
    case 'gift':
      return month === 11 ? 6 : month === 10 ? 1.8 : 0.5;
    case 'commuterKit':
      return isDarkSeason(month) ? 1.6 : 0.8;
    case 'nutrition':
      return inMonths(month, 3, 4, 5, 6, 7, 8) ? 1.4 : 0.7;
    case 'kidsGear':
      return inMonths(month, 3, 4, 5, 11) ? 1.5 : 1;
    default:
      return 1;
  }
}

class BasketBuilder {
  readonly basket: Basket = new Map();
  constructor(
    private readonly rng: Rng,
    private readonly catalog: Catalog,
    private readonly customer: Customer,
    readonly month: number,
  ) {}

  add(product: Product | undefined, quantity = 1): void {
    if (product) this.basket.set(product.id, (this.basket.get(product.id) ?? 0) + quantity);
  }
  maybe(probability: number, product: () => Product | undefined, quantity: () => number = () => 1): void {
    if (this.rng.chance(Math.min(probability, 0.95))) this.add(product(), quantity());
  }
  pickFrom(category: string | null, ...tags: string[]): Product | undefined {
    const pool = this.catalog.find(category, ...tags).filter((p) => !this.basket.has(p.id));
    return pool.length > 0 ? this.rng.pick(pool) : undefined;
  }
  /** The customer's usual choice from a pool, so repeat orders repeat the same tube, lube and gel. */
  favourite(key: string, category: string | null, ...tags: string[]): Product | undefined {
    const known = this.customer.favourites.get(key);
    if (known && this.rng.chance(0.8)) return known;
    const chosen = this.pickFrom(category, ...tags);
    if (chosen) this.customer.favourites.set(key, chosen);
    return chosen;
  }
  favouriteOf(key: string, ids: string[]): Product {
    const known = this.customer.favourites.get(key);
    if (known && this.rng.chance(0.8)) return known;
    const chosen = this.id(this.rng.pick(ids));
    this.customer.favourites.set(key, chosen);
    return chosen;
  }
  quantity(weights: ReadonlyArray<readonly [number, number]>): () => number {
    return () => this.rng.weighted(weights);
  }
  id(id: string): Product {
    return this.catalog.byId(id);
  }

  /** The riding style that picks helmets, tubes and clothing. */
  get style(): 'road' | 'mtb' | 'commuter' {
    const { persona } = this.customer;
    return persona === 'road' ? 'road' : persona === 'mtb' ? 'mtb' : 'commuter';
  }
  tubeFor(style: string): Product | undefined {
    if (style === 'road') return this.favourite('tube', null, 'tube', this.customer.gravel ? 'gravel' : 'road');
    if (style === 'mtb') return this.favourite('tube', null, 'tube', 'mtb', this.customer.wheel);
    if (style === 'kids') return this.favourite('kids-tube', null, 'tube', 'kids');
    return this.favourite('tube', null, 'tube', 'commuter');
  }

  newBike(): void {
    const { rng, customer } = this;
    const category = rng.weighted<string>(
      customer.persona === 'road' ? [['Road Bikes', 1]]
        : customer.persona === 'mtb' ? [['Mountain Bikes', 1]]
          : customer.persona === 'commuter' ? [['Hybrid Bikes', 8], ['E-Bikes', 2]]
            : customer.persona === 'ebike' ? [['E-Bikes', 1]]
              : customer.persona === 'family' ? [['Kids Bikes', this.month === 11 ? 9 : 7], ['Hybrid Bikes', 2], ['E-Bikes', 1]]
                : [['Hybrid Bikes', 8], ['E-Bikes', 2]],
    );
    let pool = this.catalog.find(category);
    if (customer.persona === 'road') pool = pool.filter((p) => p.tags.has('gravel') === customer.gravel || p.tags.has('touring'));
    if (customer.persona === 'family' && category !== 'Kids Bikes') pool = pool.filter((p) => p.tags.has('family') || p.tags.has('city'));
    // Cheaper bikes sell more often.
    const bike = rng.weighted(pool.map((p) => [p, Math.pow(100_000 / p.priceCents, 0.8)] as const));
    this.add(bike);

    const kids = bike.category === 'Kids Bikes';
    const style = kids ? 'kids' : bike.tags.has('mtb') ? 'mtb' : bike.category === 'Road Bikes' ? 'road' : 'commuter';
    const ebike = bike.category === 'E-Bikes';
    const dark = isDarkSeason(this.month);

    if (kids) {
      const small = ['balance', '14-inch', '16-inch'].some((tag) => bike.tags.has(tag));
      this.maybe(0.85, () => this.id(small ? 'P-1046' : 'P-1047'));
      this.maybe(bike.tags.has('14-inch') || bike.tags.has('16-inch') ? 0.45 : 0, () => this.id('P-1135'));
      this.maybe(0.4, () => this.id('P-1136'));
      this.maybe(0.3, () => this.id('P-1055'));
      this.maybe(0.3, () => this.id('P-1061'));
      this.maybe(0.15, () => this.tubeFor('kids'));
      if (this.month === 11) this.maybe(0.2, () => this.pickFrom(null, 'gift-card'));
      return;
    }
    this.maybe(style === 'mtb' ? 0.65 : 0.6, () => this.pickFrom('Helmets', style === 'road' ? 'road' : style === 'mtb' ? 'mtb' : 'commuter'));
    const lockChance = ebike ? 0.85 : style === 'commuter' ? 0.75 : style === 'road' ? 0.25 : 0.15;
    this.maybe(lockChance, () => (ebike ? this.id(rng.chance(0.6) ? 'P-1059' : 'P-1057') : this.pickFrom('Locks', 'u-lock')));
    this.maybe(style === 'commuter' ? 0.3 : 0.05, () => this.id('P-1063'));
    const lightChance = (style === 'commuter' ? 0.55 : style === 'road' ? 0.35 : 0.1) * (dark ? 1.5 : 1);
    if (rng.chance(Math.min(lightChance, 0.95))) {
      if (style === 'commuter' && rng.chance(0.5)) this.add(this.id('P-1053'));
      else {
        this.add(this.pickFrom('Lights', 'front', style === 'mtb' ? 'mtb' : 'commuter'));
        this.add(this.pickFrom('Lights', 'rear'));
      }
    }
    if (style === 'road' || style === 'mtb') {
      if (rng.chance(0.5)) {
        this.add(this.id('P-1123'), rng.chance(0.4) ? 2 : 1);
        this.maybe(0.8, () => this.id('P-1121'), this.quantity([[1, 1], [2, 1]]));
      }
      this.maybe(style === 'road' ? 0.45 : 0.35, () => this.id(style === 'road' ? 'P-1132' : 'P-1133'));
      this.maybe(0.25, () => this.id('P-1109'));
    }
    if (style === 'commuter') {
      this.maybe(bike.tags.has('touring') ? 0.7 : 0.2, () => this.id('P-1104'));
      if (this.basket.has('P-1104')) this.maybe(0.8, () => this.pickFrom('Bags & Racks', 'pannier'));
      this.maybe(bike.tags.has('cruiser') || bike.tags.has('step-through') ? 0.45 : 0.05, () => this.id('P-1111'));
      this.maybe(0.2, () => this.id('P-1126'));
      this.maybe(0.15, () => this.id('P-1127'));
      this.maybe(bike.tags.has('cargo') || bike.tags.has('family') ? 0.4 : 0, () => this.id('P-1134'));
    }
    this.maybe(0.2, () => this.id('P-1079'));
    this.maybe(0.15, () => this.id('P-1078'));
    this.maybe(0.25, () => this.tubeFor(style));
    if (ebike) this.maybe(0.1, () => this.id('P-1137'));
    if (customer.isLocal) {
      this.maybe(0.12, () => this.id('P-1148'));
      this.maybe(style === 'road' && bike.priceCents >= 140_000 ? 0.2 : 0, () => this.id('P-1156'));
    }
  }

  consumables(): void {
    const { rng } = this;
    const style = this.style;
    const lubeSeasonWet = isWinter(this.month);
    if (rng.chance(0.8)) this.add(this.tubeFor(style), rng.weighted([[1, 50], [2, 35], [3, 10], [4, 5]]));
    this.maybe(0.3, () => this.id('P-1081'));
    this.maybe(0.3, () => this.id('P-1082'));
    this.maybe(style === 'road' ? 0.2 : 0, () => this.id('P-1083'));
    this.maybe(style === 'mtb' ? 0.35 : style === 'road' ? 0.1 : 0, () => this.id('P-1076'));
    this.maybe(style === 'mtb' ? 0.15 : 0, () => this.id('P-1077'));
    this.maybe(0.35, () => this.id(style === 'road' && !lubeSeasonWet ? 'P-1087' : 'P-1088'));
    this.maybe(style === 'mtb' ? 0.25 : 0.05, () => this.id('P-1089'));
    this.maybe(0.08, () => this.id('P-1090'));
    this.maybe(0.05, () => this.id('P-1085'));
    if (this.customer.persona === 'family') this.maybe(0.5, () => this.tubeFor('kids'), this.quantity([[1, 3], [2, 1]]));
    if (this.basket.size === 0) this.add(this.tubeFor(style), 2);
  }

  nutrition(): void {
    const { rng } = this;
    if (rng.chance(0.15)) this.add(this.id('P-1114'));
    else this.add(this.favouriteOf('gel', ['P-1112', 'P-1113']), rng.weighted([[4, 2], [6, 4], [8, 2], [10, 1], [12, 2]]));
    if (rng.chance(0.2)) this.add(this.id('P-1116'));
    else this.maybe(0.45, () => this.id('P-1115'), this.quantity([[2, 1], [4, 2], [6, 1]]));
    this.maybe(0.3, () => this.favourite('drink', 'Nutrition', 'hydration'));
    this.maybe(0.3, () => this.id('P-1117'), this.quantity([[2, 1], [4, 1]]));
    this.maybe(0.1, () => this.id('P-1120'));
    this.maybe(0.15, () => this.id('P-1121'));
  }

  clothing(): void {
    const { rng } = this;
    const style = this.style;
    const season = isWinter(this.month) ? 'winter' : inMonths(this.month, 4, 5, 6, 7) ? 'summer' : null;
    let pool = this.catalog.find('Clothing', style);
    if (season) pool = pool.filter((p) => p.tags.has(season) || (season === 'winter' && p.tags.has('rain')));
    else pool = pool.filter((p) => !p.tags.has('winter') || rng.chance(0.3));
    if (pool.length === 0) pool = this.catalog.find('Clothing', style);
    const count = rng.weighted([[1, 5], [2, 3], [3, 1]]);
    for (let i = 0; i < count; i++) {
      const item = rng.pick(pool);
      if (!this.basket.has(item.id)) this.add(item, item.tags.has('socks') ? rng.int(1, 3) : 1);
    }
    if (style === 'commuter' && isDarkSeason(this.month)) this.maybe(0.3, () => this.id('P-1102'));
  }

  upgrade(): void {
    const { rng, customer } = this;
    const style = this.style;
    if (style === 'road') {
      this.maybe(0.7, () => (customer.gravel ? this.id('P-1072') : this.favourite('tyre', 'Tyres & Tubes', 'tyre', 'road')), () => 2);
      this.maybe(0.2, () => this.id('P-1129'));
      this.maybe(0.2, () => this.id('P-1132'));
      this.maybe(0.3, () => this.id('P-1109'));
      this.maybe(customer.gravel ? 0.4 : 0.05, () => this.pickFrom('Bags & Racks', 'bikepacking'));
      this.maybe(0.15, () => this.id('P-1080'));
    } else if (style === 'mtb') {
      this.maybe(0.7, () => this.id(customer.wheel === '29er' ? 'P-1073' : 'P-1074'), () => (rng.chance(0.6) ? 2 : 1));
      if (this.basket.size > 0) this.maybe(0.5, () => this.id('P-1076'));
      this.maybe(0.3, () => this.id('P-1131'));
      this.maybe(0.3, () => this.id('P-1133'));
      this.maybe(0.12, () => this.id(rng.chance(0.5) ? 'P-1056' : 'P-1050'));
      this.maybe(0.15, () => this.id('P-1129'));
      this.maybe(0.1, () => this.id('P-1086'));
    } else {
      this.maybe(0.5, () => this.id('P-1072'), () => 2);
      this.maybe(0.3, () => this.id('P-1130'));
      this.maybe(0.25, () => this.id('P-1127'));
      this.maybe(0.3, () => this.id('P-1128'));
      this.maybe(0.15, () => this.id('P-1080'));
    }
    if (this.basket.size === 0) this.add(this.id('P-1080'));
  }

  commuterKit(): void {
    const { rng } = this;
    const dark = isDarkSeason(this.month);
    if (rng.chance(dark ? 0.85 : 0.45)) {
      if (rng.chance(0.45)) this.add(this.id('P-1053'));
      else {
        this.add(this.favourite('front-light', 'Lights', 'front', 'commuter'));
        this.maybe(0.85, () => this.pickFrom('Lights', 'rear'));
      }
    }
    if (rng.chance(0.5)) {
      this.add(this.pickFrom('Locks', 'security'));
      this.maybe(0.35, () => this.id('P-1061'));
    }
    this.maybe(isWinter(this.month) ? 0.4 : 0.2, () => this.id('P-1124'));
    if (rng.chance(0.25)) {
      this.maybe(0.5, () => this.id('P-1104'));
      this.add(this.pickFrom('Bags & Racks', 'pannier'));
    }
    this.maybe(0.15, () => this.id('P-1110'));
    this.maybe(dark ? 0.25 : 0.1, () => this.id('P-1102'));
    this.maybe(0.2, () => this.id('P-1126'));
    this.maybe(0.15, () => this.id('P-1128'));
    this.maybe(isWinter(this.month) ? 0.15 : 0, () => this.id('P-1075'));
    if (this.basket.size === 0) this.add(this.id('P-1053'));
  }

  service(): void {
    const { rng, customer } = this;
    if (customer.persona === 'ebike') this.add(this.id('P-1146'));
    else this.add(this.id(rng.weighted([['P-1143', 30], ['P-1144', 40], ['P-1145', 18], ['P-1148', 6], ['P-1151', 6], ['P-1149', 3], ['P-1155', 3]])));
    if (this.basket.has('P-1151')) this.add(this.tubeFor(this.style));
    if (this.basket.has('P-1144') || this.basket.has('P-1145')) this.maybe(0.15, () => this.id('P-1150'));
    this.maybe(customer.persona === 'mtb' ? 0.3 : 0, () => this.id('P-1147'));
    this.maybe(customer.persona === 'mtb' ? 0.1 : 0, () => this.id('P-1154'), () => 2);
    this.maybe(customer.persona === 'road' || customer.persona === 'mtb' ? 0.15 : 0.05, () => this.id('P-1153'), this.quantity([[1, 2], [2, 1]]));
    this.maybe(0.12, () => this.id('P-1152'));
    this.maybe(customer.persona === 'road' ? 0.06 : 0, () => this.id('P-1156'));
    this.maybe(0.1, () => this.id('P-1049'));
  }

  gift(): void {
    const { rng } = this;
    if (rng.chance(0.7)) this.add(this.pickFrom(null, 'gift-card'), rng.weighted([[1, 4], [2, 1]]));
    const extras = this.catalog.find(null, 'gift').filter((p) => !p.tags.has('gift-card'));
    if (this.basket.size === 0 || rng.chance(0.5)) this.add(rng.pick(extras), 1);
    this.maybe(0.2, () => this.id('P-1122'));
  }

  kidsGear(): void {
    const { rng } = this;
    const pool = ['P-1046', 'P-1047', 'P-1135', 'P-1068', 'P-1069', 'P-1055', 'P-1136', 'P-1054', 'P-1061'];
    const count = rng.weighted([[1, 4], [2, 3], [3, 1]]);
    for (let i = 0; i < count; i++) this.add(this.id(rng.pick(pool)), 1);
    this.maybe(0.15, () => this.id('P-1134'));
  }

  ebikeParts(): void {
    const { rng } = this;
    this.maybe(0.5, () => this.id('P-1137'));
    this.maybe(0.3, () => this.id(rng.chance(0.5) ? 'P-1138' : 'P-1139'));
    this.maybe(0.3, () => this.id('P-1059'));
    if (this.basket.size === 0) this.add(this.id('P-1059'));
  }
}

function buildBasket(rng: Rng, catalog: Catalog, customer: Customer, placedAt: number, isFirstOrder: boolean): Basket {
  const month = monthOf(placedAt);
  const entries = (Object.entries(ARCHETYPES[customer.persona]) as [Archetype, number][]).map(([archetype, weight]) => {
    let w = weight * seasonalFactor(archetype, customer.persona, month);
    if (archetype === 'newBike' && isFirstOrder) w *= 5;
    if (archetype === 'service' && !customer.isLocal) w = 0;
    return [archetype, w] as const;
  });
  const builder = new BasketBuilder(rng, catalog, customer, month);
  builder[rng.weighted(entries)]();
  return builder.basket;
}

// ---------------------------------------------------------------------------------------------------------------
// Fulfilment

type Carrier = 'USPS' | 'UPS' | 'FedEx' | 'Riverside Van' | 'In-store pickup';

interface Fulfilment {
  carrier: Carrier;
  shippingCents: number;
  shippedAt: number;
  deliveredAt: number;
  trackingNumber: string;
}

const digits = (rng: Rng, count: number) => Array.from({ length: count }, () => rng.int(0, 9)).join('');
const ALPHANUMERIC = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';

/**
 * When a pickup order is ready, inside shop hours (knowledge/pages/hours.md: weekdays 9 to 6, Saturday 9 to 5,
 * Sunday 11 to 4): about 2 hours after ordering, or the next morning; bikes after 2 business days of building.
 */
function pickupReady(rng: Rng, placedAt: number, needsBuild: boolean): number {
  const day = startOfDay(placedAt);
  const hour = (placedAt - day) / HOUR;
  const opensAt = weekday(day) === 0 ? 11 : 9;
  const lastReadyHour = [14, 16, 16, 16, 16, 16, 15][weekday(day)]!;
  if (!needsBuild && hour >= opensAt && hour < lastReadyHour) return placedAt + 2 * HOUR - rng.int(0, 45) * 60_000;
  let readyDay = hour < opensAt && !needsBuild ? day : day + DAY;
  if (needsBuild) readyDay = addBusinessDays(day, 2);
  return atTime(readyDay, rng, weekday(readyDay) === 0 ? 11 : 10, weekday(readyDay) === 0 ? 13 : 12);
}

function fulfil(rng: Rng, catalog: Catalog, customer: Customer, basket: Basket, placedAt: number): Fulfilment {
  const products = [...basket.keys()].map((id) => catalog.byId(id));
  const hasService = products.some((p) => p.category === 'Service Packages');
  const ebike = products.some((p) => p.category === 'E-Bikes');
  const bike = ebike || products.some((p) => p.category.endsWith('Bikes'));
  const merchandiseCents = [...basket].reduce((sum, [id, quantity]) => {
    const product = catalog.byId(id);
    return product.category === 'Service Packages' || product.tags.has('gift-card') ? sum : sum + product.priceCents * quantity;
  }, 0);
  const placedDay = startOfDay(placedAt);

  if (customer.isLocal && (hasService || rng.chance(bike ? 0.55 : 0.6))) {
    const shippedAt = pickupReady(rng, placedAt, bike);
    const waitDays = rng.weighted([[0, 4], [1, 4], [2, 3], [3, 2], [4, 1], [5, 1]]);
    const deliveredAt = waitDays === 0 ? shippedAt + rng.int(20, 240) * 60_000 : atTime(startOfDay(shippedAt) + waitDays * DAY, rng, 11, 16);
    return { carrier: 'In-store pickup', shippingCents: 0, shippedAt, deliveredAt, trackingNumber: '' };
  }
  if (customer.isLocal) {
    const dispatchDay = bike ? addBusinessDays(placedDay, 2) : nextBusinessDay(placedDay);
    const shippedAt = atTime(dispatchDay, rng, 9, 10) + 30 * 60_000;
    const deliveredAt = atTime(dispatchDay, rng, 12, 18);
    const shippingCents = bike ? 2500 : merchandiseCents === 0 || merchandiseCents >= 7500 ? 0 : 500;
    return { carrier: 'Riverside Van', shippingCents, shippedAt, deliveredAt, trackingNumber: `RSV${digits(rng, 7)}` };
  }

  const beforeCutoff = isBusinessDay(placedDay) && placedAt - placedDay < 14 * HOUR;
  let dispatchDay = beforeCutoff ? placedDay : nextBusinessDay(placedDay);
  if (bike) dispatchDay = addBusinessDays(dispatchDay, 2);
  const express = !bike && merchandiseCents > 0 && rng.chance(0.12);
  let carrier: Carrier;
  let shippingCents: number;
  let transitDays: number;
  if (ebike) [carrier, shippingCents, transitDays] = ['UPS', 9900, rng.int(4, 7)];
  else if (bike) [carrier, shippingCents, transitDays] = ['UPS', 5900, rng.int(4, 7)];
  else if (express) [carrier, shippingCents, transitDays] = ['FedEx', 1995, rng.int(1, 2)];
  else {
    carrier = merchandiseCents < 10_000 ? 'USPS' : 'UPS';
    shippingCents = merchandiseCents === 0 || merchandiseCents >= 7500 ? 0 : 795;
    transitDays = rng.int(3, 5);
  }
  const shippedAt = atTime(dispatchDay, rng, 15, 18);
  const deliveredAt = atTime(addBusinessDays(dispatchDay, transitDays), rng, 10, 19);
  const trackingNumber =
    carrier === 'USPS' ? `9400${digits(rng, 18)}`
      : carrier === 'UPS' ? `1Z${Array.from({ length: 6 }, () => rng.pick([...ALPHANUMERIC])).join('')}03${digits(rng, 8)}`
        : digits(rng, 12);
  return { carrier, shippingCents, shippedAt, deliveredAt, trackingNumber };
}

// ---------------------------------------------------------------------------------------------------------------
// Orders

interface OrderDraft {
  customer: Customer;
  placedAt: number;
  basket: Basket;
}

function planOrders(rng: Rng, customers: Customer[]): Map<Customer, number[]> {
  const span = REFERENCE - ORDERS_FROM;
  const weights = customers.map((c) => [c, c.activity * Math.max(0.02, (REFERENCE - Math.max(c.createdAt, ORDERS_FROM)) / span)] as const);
  const counts = new Map<Customer, number>();
  for (let i = 0; i < ORDER_COUNT; i++) {
    const customer = rng.weighted(weights);
    counts.set(customer, (counts.get(customer) ?? 0) + 1);
  }
  const plan = new Map<Customer, number[]>();
  for (const customer of customers) {
    const count = counts.get(customer) ?? 0;
    const from = Math.max(customer.createdAt, ORDERS_FROM);
    const moments: number[] = [];
    for (let i = 0; i < count; i++) {
      if (i === 0 && customer.createdAt >= ORDERS_FROM && rng.chance(0.6)) moments.push(Math.min(customer.createdAt + rng.int(3, 45) * 60_000, REFERENCE - HOUR));
      else moments.push(seasonalMoment(rng, from, REFERENCE - HOUR));
    }
    plan.set(customer, moments.sort((a, b) => a - b));
  }
  return plan;
}

const NON_RETURNABLE = (p: Product) => p.category === 'Service Packages' || p.category === 'Nutrition' || p.tags.has('gift-card');

/** Builds the demo customers and orders from the catalog. Pure: the same catalog always gives the same CSVs. */
export function generateDemoData(catalogCsv: string): { customersCsv: string; ordersCsv: string } {
  const rng = new Rng(SEED);
  const catalog = new Catalog(readCatalog(catalogCsv));
  const customers = makeCustomers(rng);
  const plan = planOrders(rng, customers);

  const drafts: OrderDraft[] = [];
  for (const customer of customers) {
    plan.get(customer)!.forEach((placedAt, index) => {
      const isFirstOrder = index === 0 && placedAt - customer.createdAt < DAY;
      drafts.push({ customer, placedAt, basket: buildBasket(rng, catalog, customer, placedAt, isFirstOrder) });
    });
  }
  drafts.sort((a, b) => a.placedAt - b.placedAt || a.customer.id.localeCompare(b.customer.id));

  const orderRows = drafts.map((draft, index) => {
    const { customer, placedAt, basket } = draft;
    const fulfilment = fulfil(rng, catalog, customer, basket, placedAt);
    const itemsCents = [...basket].reduce((sum, [id, quantity]) => sum + catalog.byId(id).priceCents * quantity, 0);
    const products = [...basket.keys()].map((id) => catalog.byId(id));

    let status: string;
    let { shippedAt, deliveredAt, trackingNumber } = fulfilment as { shippedAt: number | null; deliveredAt: number | null; trackingNumber: string };
    if (rng.chance(0.03) || fulfilment.shippedAt > REFERENCE) {
      status = fulfilment.shippedAt > REFERENCE ? 'processing' : 'cancelled';
      [shippedAt, deliveredAt, trackingNumber] = [null, null, ''];
    } else if (fulfilment.deliveredAt > REFERENCE) {
      status = 'shipped';
      deliveredAt = null;
    } else {
      const returnable = !products.some(NON_RETURNABLE) && fulfilment.deliveredAt + 3 * DAY < REFERENCE;
      status = returnable && rng.chance(0.06) ? 'returned' : 'delivered';
    }
    return [
      `FD-${FIRST_ORDER_NUMBER + index}`,
      customer.id,
      isoSeconds(placedAt),
      status,
      [...basket].map(([id, quantity]) => `${id}:${quantity}`).join('|'),
      formatCents(itemsCents + fulfilment.shippingCents),
      fulfilment.carrier,
      trackingNumber,
      shippedAt === null ? '' : isoSeconds(shippedAt),
      deliveredAt === null ? '' : isoSeconds(deliveredAt),
    ];
  });

  const customersCsv = toCsv([
    ['id', 'name', 'email', 'phone', 'city', 'created_at'],
    ...customers.map((c) => [c.id, c.name, c.email, c.phone, c.city, isoSeconds(c.createdAt)]),
  ]);
  const ordersCsv = toCsv([
    ['order_number', 'customer_id', 'placed_at', 'status', 'items', 'total', 'carrier', 'tracking_number', 'shipped_at', 'delivered_at'],
    ...orderRows,
  ]);
  return { customersCsv, ordersCsv };
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  const knowledge = join(dirname(fileURLToPath(import.meta.url)), '..', 'knowledge');
  const { customersCsv, ordersCsv } = generateDemoData(readFileSync(join(knowledge, 'catalog.csv'), 'utf8'));
  writeFileSync(join(knowledge, 'customers.csv'), customersCsv);
  writeFileSync(join(knowledge, 'orders.csv'), ordersCsv);
  console.log(`wrote ${customersCsv.trimEnd().split('\n').length - 1} customers and ${ordersCsv.trimEnd().split('\n').length - 1} orders to ${knowledge}`);
}
