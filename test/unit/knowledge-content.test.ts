/**
 * Consistency checks for the Riverside Cycles demo content in knowledge/: the Markdown pages the ingester splits by
 * heading, the FAQ files in their exact format, the catalog, and the generated customers and orders — including that
 * the generator still reproduces the committed CSVs byte for byte and that prices and policies agree across files.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { generateDemoData, REFERENCE_DATE } from '../../scripts/generate-demo-data.js';

const knowledge = resolve(import.meta.dirname, '../../knowledge');
const read = (...parts: string[]) => readFileSync(join(knowledge, ...parts), 'utf8');
const markdownIn = (folder: string) =>
  readdirSync(join(knowledge, folder))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => ({ name, text: read(folder, name) }));

// ---------------------------------------------------------------------------------------------------------------
// A strict RFC 4180 reader, independent of the generator's: it rejects stray and unterminated quotes.

function parseCsvStrict(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let state: 'start' | 'plain' | 'quoted' | 'closed' = 'start';
  const endField = () => {
    row.push(field);
    field = '';
    state = 'start';
  };
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (state === 'quoted') {
      if (char !== '"') field += char;
      else if (text[i + 1] === '"') {
        field += '"';
        i++;
      } else state = 'closed';
    } else if (char === ',') endField();
    else if (char === '\n') {
      endField();
      rows.push(row);
      row = [];
    } else if (char === '"') {
      if (state !== 'start') throw new Error(`stray quote in row ${rows.length + 1}`);
      state = 'quoted';
    } else if (state === 'closed') throw new Error(`text after a closing quote in row ${rows.length + 1}`);
    else if (char === '\r') throw new Error(`CR line ending in row ${rows.length + 1}`);
    else {
      field += char;
      state = 'plain';
    }
  }
  if (state === 'quoted') throw new Error('unterminated quoted field');
  if (field !== '' || row.length > 0) throw new Error('the file must end with a newline');
  return rows;
}

function readTable(name: string, header: string) {
  const text = read(name);
  const [head, ...rows] = parseCsvStrict(text);
  expect(head?.join(','), `${name} header`).toBe(header);
  const columns = header.split(',');
  for (const [index, row] of rows.entries()) expect(row.length, `${name} row ${index + 2} has ${row.length} fields`).toBe(columns.length);
  return rows.map((row) => Object.fromEntries(columns.map((column, i) => [column, row[i]!])) as Record<string, string>);
}

// ---------------------------------------------------------------------------------------------------------------
// Markdown helpers

const words = (text: string) => text.split(/\s+/).filter((token) => /[A-Za-z0-9]/.test(token)).length;
const sentences = (text: string) => (text.match(/[.!?]["')]?(?=\s|$)/g) ?? []).length;
/** Dollar amounts in a text, as cents: "$1,899" and "$1899.00" are both 189900. */
const dollarAmounts = (text: string) =>
  [...text.matchAll(/\$(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{2}))?/g)].map((m) => Number(m[1]!.replaceAll(',', '')) * 100 + Number(m[2] ?? 0));

interface PageSection {
  heading: string;
  body: string;
}
function parsePage(text: string): { title: string; titles: number; preamble: string; sections: PageSection[] } {
  const lines = text.split('\n');
  const titles = lines.filter((line) => /^# /.test(line)).length;
  const sections: PageSection[] = [];
  const preamble: string[] = [];
  let current: { heading: string; lines: string[] } | null = null;
  for (const line of lines.slice(1)) {
    if (line.startsWith('## ')) {
      if (current) sections.push({ heading: current.heading, body: current.lines.join('\n').trim() });
      current = { heading: line.slice(3).trim(), lines: [] };
    } else if (current) current.lines.push(line);
    else preamble.push(line);
  }
  if (current) sections.push({ heading: current.heading, body: current.lines.join('\n').trim() });
  return { title: lines[0]!.startsWith('# ') ? lines[0]!.slice(2).trim() : '', titles, preamble: preamble.join('\n').trim(), sections };
}

interface FaqEntry {
  file: string;
  question: string;
  paraphrases: string[];
  answer: string;
}
/**
 * Reads a FAQ file in the exact format the FAQ parser expects, collecting every deviation:
 *
 *   # Topic
 *
 *   ## Question?
 *   - paraphrase
 *   - paraphrase
 *   - paraphrase
 *
 *   Answer paragraph(s), no headings or bullets.
 */
function parseFaq(file: string, text: string): { title: string; entries: FaqEntry[]; errors: string[] } {
  const errors: string[] = [];
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  else errors.push(`${file}: must end with a newline`);
  const title = /^# (\S.*)$/.exec(lines[0] ?? '')?.[1] ?? '';
  if (!title) errors.push(`${file}: line 1 must be "# Topic"`);
  if (lines[1] !== '') errors.push(`${file}: line 2 must be blank`);
  const entries: FaqEntry[] = [];
  let i = 2;
  while (i < lines.length) {
    const at = `${file}:${i + 1}`;
    const question = /^## (\S.*)$/.exec(lines[i]!)?.[1];
    if (!question) {
      errors.push(`${at}: expected "## Question?", got "${lines[i]}"`);
      break;
    }
    i++;
    const paraphrases: string[] = [];
    while (i < lines.length && lines[i]!.startsWith('- ')) paraphrases.push(lines[i++]!.slice(2).trim());
    if (lines[i] !== '') errors.push(`${at}: the paraphrase list must be followed by one blank line`);
    i++;
    const answerLines: string[] = [];
    while (i < lines.length && !lines[i]!.startsWith('## ')) answerLines.push(lines[i++]!);
    while (answerLines.at(-1) === '') answerLines.pop();
    if (answerLines[0] === '') errors.push(`${at}: only one blank line between paraphrases and answer`);
    if (answerLines.some((line) => /^(#|[-*+] |\d+\. )/.test(line))) errors.push(`${at}: the answer must be plain paragraphs`);
    if (answerLines.join('\n').includes('\n\n\n')) errors.push(`${at}: paragraphs are separated by a single blank line`);
    entries.push({ file, question, paraphrases, answer: answerLines.join('\n').trim() });
  }
  return { title, entries, errors };
}

// ---------------------------------------------------------------------------------------------------------------
// Content loaded once

const pages = markdownIn('pages').map((page) => ({ ...page, ...parsePage(page.text) }));
const faqFiles = markdownIn('faq').map((file) => ({ name: file.name, text: file.text, ...parseFaq(file.name, file.text) }));
const faqEntries = faqFiles.flatMap((file) => file.entries);
const pageText = (name: string) => pages.find((page) => page.name === name)?.text ?? '';
const faqText = (name: string) => faqFiles.find((file) => file.name === name)?.text ?? '';

const CATALOG_HEADER = 'id,name,category,price,description,tags,stock,url';
const CATEGORIES = [
  'Road Bikes', 'Mountain Bikes', 'Hybrid Bikes', 'E-Bikes', 'Kids Bikes', 'Helmets', 'Lights', 'Locks', 'Tyres & Tubes', 'Tools',
  'Clothing', 'Bags & Racks', 'Nutrition', 'Accessories', 'Service Packages',
];
const BIKE_CATEGORIES = ['Road Bikes', 'Mountain Bikes', 'Hybrid Bikes', 'E-Bikes', 'Kids Bikes'];
const catalog = readTable('catalog.csv', CATALOG_HEADER);
const productsById = new Map(catalog.map((p) => [p.id!, p]));
const cents = (price: string) => Math.round(Number(price) * 100);

const customers = readTable('customers.csv', 'id,name,email,phone,city,created_at');
const orders = readTable('orders.csv', 'order_number,customer_id,placed_at,status,items,total,carrier,tracking_number,shipped_at,delivered_at');
const customersById = new Map(customers.map((c) => [c.id!, c]));
const REFERENCE = Date.parse(REFERENCE_DATE);
const LOCAL_TOWNS = ['Millbrook', 'North Millbrook', 'Larkfield', 'Brindle Hill', 'Owlcross', 'Fenwick Ferry'];
const itemsOf = (order: Record<string, string>) =>
  order.items!.split('|').map((item) => {
    const [id, quantity] = item.split(':');
    return { id: id!, quantity: Number(quantity) };
  });

// ---------------------------------------------------------------------------------------------------------------

describe('knowledge pages', () => {
  test('there are at least 12 pages, including every policy the assistant is asked about', () => {
    expect(pages.length).toBeGreaterThanOrEqual(12);
    const required = [
      'hours', 'location-and-parking', 'shipping', 'returns', 'warranty', 'repairs-and-servicing', 'payment', 'privacy-policy',
      'about-us', 'bike-fitting', 'rentals', 'trade-in', 'contact-and-human-help', 'e-bikes',
    ];
    expect(pages.map((page) => page.name.replace(/\.md$/, ''))).toEqual(expect.arrayContaining(required));
  });

  test('each page has one "# " title on its first line and at least three "## " sections', () => {
    for (const page of pages) {
      expect(page.title, `${page.name} starts with "# Title"`).not.toBe('');
      expect(page.titles, `${page.name} has exactly one "# " title`).toBe(1);
      expect(page.preamble, `${page.name}: every paragraph belongs to a "## " section`).toBe('');
      expect(page.sections.length, `${page.name} sections`).toBeGreaterThanOrEqual(3);
      expect(new Set(page.sections.map((s) => s.heading)).size, `${page.name} repeats a section heading`).toBe(page.sections.length);
      expect(page.text.endsWith('\n') && !page.text.endsWith('\n\n'), `${page.name} ends with a single newline`).toBe(true);
    }
  });

  test('every section stands alone: 40 to 200 words of prose with no deeper headings', () => {
    const problems: string[] = [];
    for (const page of pages) {
      for (const section of page.sections) {
        const count = words(section.body);
        if (count < 40 || count > 200) problems.push(`${page.name} › ${section.heading}: ${count} words`);
        if (/^#/m.test(section.body)) problems.push(`${page.name} › ${section.heading}: nested heading`);
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('FAQ', () => {
  test('every FAQ file follows the exact format', () => {
    expect(faqFiles.length).toBeGreaterThanOrEqual(6);
    expect(faqFiles.flatMap((file) => file.errors)).toEqual([]);
    for (const file of faqFiles) expect(file.entries.length, `${file.name} entries`).toBeGreaterThanOrEqual(5);
  });

  test('there are at least 65 entries, each a question with 3 to 5 distinct paraphrases and a short answer', () => {
    expect(faqEntries.length).toBeGreaterThanOrEqual(65);
    const problems: string[] = [];
    for (const { file, question, paraphrases, answer } of faqEntries) {
      const where = `${file} › ${question}`;
      if (!question.endsWith('?')) problems.push(`${where}: the question must end with "?"`);
      if (paraphrases.length < 3 || paraphrases.length > 5) problems.push(`${where}: ${paraphrases.length} paraphrases`);
      const normalised = paraphrases.map((p) => p.toLowerCase());
      if (new Set(normalised).size !== paraphrases.length || normalised.includes(question.toLowerCase())) problems.push(`${where}: repeated paraphrase`);
      if (paraphrases.some((p) => p === '')) problems.push(`${where}: empty paraphrase`);
      if (answer === '') problems.push(`${where}: empty answer`);
      const count = sentences(answer);
      if (count < 1 || count > 4) problems.push(`${where}: answer has ${count} sentences`);
    }
    expect(problems).toEqual([]);
  });

  test('questions are unique across all FAQ files', () => {
    const questions = faqEntries.map((entry) => entry.question.toLowerCase());
    expect(questions.filter((q, i) => questions.indexOf(q) !== i)).toEqual([]);
  });

  test('some paraphrases are short and informal, the way customers really type', () => {
    const short = faqEntries.flatMap((entry) => entry.paraphrases).filter((p) => p.split(/\s+/).length <= 3);
    expect(short.length).toBeGreaterThanOrEqual(40);
  });
});

describe('catalog', () => {
  test('has at least 110 products with valid columns', () => {
    expect(catalog.length).toBeGreaterThanOrEqual(110);
    const problems: string[] = [];
    for (const p of catalog) {
      if (!/^P-\d{4}$/.test(p.id!)) problems.push(`${p.id}: id`);
      if (!p.name!.trim()) problems.push(`${p.id}: name`);
      if (!CATEGORIES.includes(p.category!)) problems.push(`${p.id}: category ${p.category}`);
      if (!/^\d+\.\d{2}$/.test(p.price!) || !(Number(p.price) > 0)) problems.push(`${p.id}: price ${p.price}`);
      if (!/^[A-Z0-9].*\.$/.test(p.description!) || sentences(p.description!) !== 1) problems.push(`${p.id}: description must be one sentence`);
      if (!/^[a-z0-9.-]+(\|[a-z0-9.-]+)*$/.test(p.tags!)) problems.push(`${p.id}: tags ${p.tags}`);
      if (!/^\d+$/.test(p.stock!)) problems.push(`${p.id}: stock ${p.stock}`);
      if (p.url !== `https://riversidecycles.example/p/${p.id}`) problems.push(`${p.id}: url ${p.url}`);
    }
    expect(problems).toEqual([]);
  });

  test('ids and names are unique and every category is stocked', () => {
    expect(new Set(catalog.map((p) => p.id)).size).toBe(catalog.length);
    expect(new Set(catalog.map((p) => p.name!.toLowerCase())).size).toBe(catalog.length);
    for (const category of CATEGORIES) expect(catalog.filter((p) => p.category === category).length, category).toBeGreaterThanOrEqual(5);
  });

  test('about 8% of products are out of stock', () => {
    const share = catalog.filter((p) => p.stock === '0').length / catalog.length;
    expect(share).toBeGreaterThanOrEqual(0.05);
    expect(share).toBeLessThanOrEqual(0.12);
  });

  test('fields with commas are quoted (RFC 4180)', () => {
    const lines = read('catalog.csv').trimEnd().split('\n').slice(1);
    expect(lines.filter((line) => line.includes('"')).length).toBeGreaterThan(0);
    expect(lines.length).toBe(catalog.length);
  });
});

describe('generated customers and orders', () => {
  test('the generator reproduces the committed CSVs exactly, every time', () => {
    const catalogCsv = read('catalog.csv');
    const first = generateDemoData(catalogCsv);
    expect(first.customersCsv).toBe(read('customers.csv'));
    expect(first.ordersCsv).toBe(read('orders.csv'));
    expect(generateDemoData(catalogCsv)).toEqual(first);
  });

  test('customers have unique ids, fictional emails and fictional phone numbers', () => {
    expect(customers.length).toBeGreaterThanOrEqual(100);
    customers.forEach((c, index) => {
      expect(c.id).toBe(`C-${String(index + 1).padStart(4, '0')}`);
      expect(c.name).toMatch(/^\S+ \S+$/);
      expect(c.email).toMatch(/^[a-z0-9.]+@example\.com$/);
      expect(c.phone).toMatch(/^\+1555010\d{4}$/);
      expect(c.city).not.toBe('');
      expect(c.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      expect(Date.parse(c.created_at!)).toBeLessThan(REFERENCE);
    });
    expect(new Set(customers.map((c) => c.email)).size).toBe(customers.length);
    expect(new Set(customers.map((c) => c.phone)).size).toBe(customers.length);
  });

  test('order numbers are unique and run in the order the orders were placed', () => {
    expect(orders.length).toBeGreaterThanOrEqual(350);
    orders.forEach((order, index) => {
      expect(order.order_number).toBe(`FD-${1001 + index}`);
      if (index > 0) expect(order.placed_at! >= orders[index - 1]!.placed_at!).toBe(true);
    });
    expect(new Set(orders.map((o) => o.order_number)).size).toBe(orders.length);
  });

  test('every order references an existing customer and existing products', () => {
    const problems: string[] = [];
    for (const order of orders) {
      const customer = customersById.get(order.customer_id!);
      if (!customer) problems.push(`${order.order_number}: unknown customer ${order.customer_id}`);
      else if (order.placed_at! < customer.created_at!) problems.push(`${order.order_number}: placed before the customer signed up`);
      if (!/^P-\d{4}:[1-9]\d*(\|P-\d{4}:[1-9]\d*)*$/.test(order.items!)) problems.push(`${order.order_number}: items "${order.items}"`);
      const ids = itemsOf(order).map((item) => item.id);
      if (new Set(ids).size !== ids.length) problems.push(`${order.order_number}: repeated product`);
      for (const id of ids) if (!productsById.has(id)) problems.push(`${order.order_number}: unknown product ${id}`);
    }
    expect(problems).toEqual([]);
  });

  test('statuses agree with the dates and tracking numbers', () => {
    const timestamp = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
    const problems: string[] = [];
    for (const o of orders) {
      const where = `${o.order_number} (${o.status})`;
      const [placed, shipped, delivered] = [o.placed_at!, o.shipped_at!, o.delivered_at!];
      for (const value of [placed, shipped, delivered]) {
        if (value !== '' && (!timestamp.test(value) || Date.parse(value) >= REFERENCE)) problems.push(`${where}: bad time ${value}`);
      }
      const pickup = o.carrier === 'In-store pickup';
      switch (o.status) {
        case 'processing':
        case 'cancelled':
          if (shipped || delivered || o.tracking_number) problems.push(`${where}: must not be shipped yet`);
          break;
        case 'shipped':
          if (!shipped || delivered || shipped < placed) problems.push(`${where}: needs shipped_at only`);
          if (!pickup && !o.tracking_number) problems.push(`${where}: needs a tracking number`);
          break;
        case 'delivered':
        case 'returned':
          if (!shipped || !delivered || shipped < placed || delivered < shipped) problems.push(`${where}: needs placed <= shipped <= delivered`);
          if (!pickup && !o.tracking_number) problems.push(`${where}: needs a tracking number`);
          break;
        default:
          problems.push(`${where}: unknown status`);
      }
      if (pickup && o.tracking_number) problems.push(`${where}: pickups have no tracking number`);
    }
    expect(problems).toEqual([]);
    for (const status of ['processing', 'shipped', 'delivered', 'cancelled', 'returned']) expect(orders.some((o) => o.status === status), status).toBe(true);
  });

  test('totals are the items plus the shipping fee from the shipping page', () => {
    const problems: string[] = [];
    for (const o of orders) {
      const items = itemsOf(o).map(({ id, quantity }) => ({ product: productsById.get(id)!, quantity }));
      const subtotal = items.reduce((sum, { product, quantity }) => sum + cents(product.price!) * quantity, 0);
      const merchandise = items
        .filter(({ product }) => product.category !== 'Service Packages' && !product.tags!.split('|').includes('gift-card'))
        .reduce((sum, { product, quantity }) => sum + cents(product.price!) * quantity, 0);
      const ebike = items.some(({ product }) => product.category === 'E-Bikes');
      const bike = items.some(({ product }) => BIKE_CATEGORIES.includes(product.category!));
      const freeOrParcel = (fee: number) => (merchandise === 0 || merchandise >= 7500 ? 0 : fee);
      const expected =
        o.carrier === 'In-store pickup' ? 0
          : o.carrier === 'Riverside Van' ? (bike ? 2500 : freeOrParcel(500))
            : o.carrier === 'FedEx' ? 1995
              : ebike ? 9900 : bike ? 5900 : freeOrParcel(795);
      if (!['In-store pickup', 'Riverside Van', 'USPS', 'UPS', 'FedEx'].includes(o.carrier!)) problems.push(`${o.order_number}: carrier ${o.carrier}`);
      if (!/^\d+\.\d{2}$/.test(o.total!) || cents(o.total!) !== subtotal + expected) {
        problems.push(`${o.order_number}: total ${o.total}, expected ${(subtotal + expected) / 100}`);
      }
      if (o.carrier === 'FedEx' && bike) problems.push(`${o.order_number}: bikes cannot go express`);
      if (o.carrier === 'Riverside Van' && !LOCAL_TOWNS.includes(customersById.get(o.customer_id!)!.city!)) problems.push(`${o.order_number}: van outside the delivery area`);
      if (items.some(({ product }) => product.category === 'Service Packages') && o.carrier !== 'In-store pickup') problems.push(`${o.order_number}: services are in-store`);
    }
    expect(problems).toEqual([]);
    for (const town of LOCAL_TOWNS) expect(pageText('shipping.md')).toContain(town);
  });

  test('purchases have structure a recommender can learn from', () => {
    const categoriesOf = (o: Record<string, string>) => new Set(itemsOf(o).map(({ id }) => productsById.get(id)!.category));
    const withBike = orders.filter((o) => [...categoriesOf(o)].some((c) => BIKE_CATEGORIES.includes(c!)));
    const without = orders.filter((o) => !withBike.includes(o));
    const kitShare = (list: typeof orders) => list.filter((o) => ['Helmets', 'Locks', 'Lights'].some((c) => categoriesOf(o).has(c))).length / list.length;
    expect(withBike.length).toBeGreaterThanOrEqual(40);
    expect(kitShare(withBike)).toBeGreaterThan(0.6);
    expect(kitShare(withBike)).toBeGreaterThan(1.5 * kitShare(without));

    // Riders come back for the same consumables.
    const repeats = new Map<string, number>();
    for (const o of orders) {
      for (const { id } of itemsOf(o)) {
        const tags = productsById.get(id)!.tags!.split('|');
        if (tags.includes('consumable')) repeats.set(`${o.customer_id} ${id}`, (repeats.get(`${o.customer_id} ${id}`) ?? 0) + 1);
      }
    }
    expect([...repeats.values()].filter((count) => count >= 3).length).toBeGreaterThanOrEqual(10);

    // Lights sell in the dark months, gift cards in December.
    const monthShare = (months: number[], test: (o: Record<string, string>) => boolean) => {
      const matching = orders.filter(test);
      return matching.filter((o) => months.includes(new Date(o.placed_at!).getUTCMonth())).length / matching.length;
    };
    const dark = [0, 1, 8, 9, 10, 11];
    expect(monthShare(dark, (o) => categoriesOf(o).has('Lights'))).toBeGreaterThan(monthShare(dark, () => true));
    const giftCards = (o: Record<string, string>) => itemsOf(o).some(({ id }) => productsById.get(id)!.tags!.split('|').includes('gift-card'));
    expect(monthShare([11], giftCards)).toBeGreaterThan(2 * monthShare([11], () => true));
  });
});

describe('consistency across pages, FAQ and catalog', () => {
  const allPages = pages.map((page) => page.text).join('\n');
  const allFaq = faqFiles.map((file) => file.text).join('\n');
  const everything = `${allPages}\n${allFaq}`;

  test('every price quoted in a FAQ answer appears on a page or in the catalog', () => {
    const known = new Set([...dollarAmounts(allPages), ...catalog.map((p) => cents(p.price!))]);
    const unknown = faqEntries.flatMap((entry) => dollarAmounts(entry.answer).filter((amount) => !known.has(amount)).map((amount) => `${entry.question}: $${amount / 100}`));
    expect(unknown).toEqual([]);
  });

  test('every service package in the catalog is priced the same on the pages', () => {
    const pageAmounts = new Set(dollarAmounts(allPages));
    const services = catalog.filter((p) => p.category === 'Service Packages' || p.tags!.split('|').includes('gift-card'));
    expect(services.filter((p) => !pageAmounts.has(cents(p.price!))).map((p) => `${p.name} ${p.price}`)).toEqual([]);
  });

  test('the pages quote the real price range of e-bikes and kids bikes', () => {
    const range = (category: string) => {
      const prices = catalog.filter((p) => p.category === category).map((p) => cents(p.price!));
      return [Math.min(...prices), Math.max(...prices)];
    };
    expect(dollarAmounts(pageText('e-bikes.md'))).toEqual(expect.arrayContaining(range('E-Bikes')));
    expect(dollarAmounts(pageText('kids-bikes.md'))).toEqual(expect.arrayContaining(range('Kids Bikes')));
  });

  test('key policies read the same on the page and in the FAQ', () => {
    const facts: Array<[string, string, RegExp]> = [
      ['shipping.md', 'orders-and-shipping.md', /Standard shipping (costs|is) \$7\.95/],
      ['shipping.md', 'orders-and-shipping.md', /\$75 or more/],
      ['shipping.md', 'orders-and-shipping.md', /Express shipping (costs|is) \$19\.95 on any order/],
      ['shipping.md', 'orders-and-shipping.md', /\$59[^.]{0,40}e-bikes?[^.$]{0,20}\$99/],
      ['returns.md', 'returns-and-warranty.md', /within 30 days of delivery or collection/],
      ['returns.md', 'returns-and-warranty.md', /less than 25 miles/],
      ['returns.md', 'returns-and-warranty.md', /within 5 business days of receiving/],
      ['returns.md', 'returns-and-warranty.md', /until January 31/],
      ['warranty.md', 'returns-and-warranty.md', /2 years or 500 full charge cycles/],
      ['privacy-policy.md', 'privacy.md', /transcripts are kept for 90 days/i],
      ['privacy-policy.md', 'privacy.md', /"export my data"/],
      ['privacy-policy.md', 'privacy.md', /"delete my data"/],
      ['privacy-policy.md', 'privacy.md', /Reply STOP/],
      ['contact-and-human-help.md', 'store.md', /type "agent" or "human"/i],
      ['repairs-and-servicing.md', 'repairs.md', /Standard Service (costs|is|\()\s?\$89/],
      ['payment.md', 'payments.md', /12 months at 0% APR/],
      ['rentals.md', 'store.md', /\$35 for a full day/],
    ];
    const missing = facts.flatMap(([page, faq, pattern]) => [
      ...(pattern.test(pageText(page)) ? [] : [`pages/${page}: ${pattern}`]),
      ...(pattern.test(faqText(faq)) ? [] : [`faq/${faq}: ${pattern}`]),
    ]);
    expect(missing).toEqual([]);
  });

  test('no page or answer contradicts the 30-day return window or the 90-day transcript retention', () => {
    const returnWindows = [...everything.matchAll(/(\d+)[- ]day return/gi)].map((m) => m[1]);
    expect(returnWindows.every((days) => days === '30')).toBe(true);
    const retention = [...everything.matchAll(/transcripts (?:are )?(?:kept|stored) for (\d+) days/gi)].map((m) => m[1]);
    expect(retention.length).toBeGreaterThan(0);
    expect(retention.every((days) => days === '90')).toBe(true);
  });

  test('contact details are the fictional ones, everywhere', () => {
    const emails = [...everything.matchAll(/[\w.+-]+@[\w.-]+\w/g)].map((m) => m[0]);
    expect(emails.length).toBeGreaterThan(0);
    expect(emails.filter((email) => !/^(hello|privacy)@riversidecycles\.example$/.test(email))).toEqual([]);
    const phones = [...everything.matchAll(/\+1[\d ()-]{7,}\d/g)].map((m) => m[0]);
    expect(phones.filter((phone) => !['+1 555 0142', '+1 555 0143', '+1 555 0144'].includes(phone))).toEqual([]);
    const urls = [...everything.matchAll(/https?:\/\/\S+/g)].map((m) => m[0]);
    expect(urls.filter((url) => !url.startsWith('https://riversidecycles.example'))).toEqual([]);
    expect([...everything.matchAll(/\bFD-\S+/g)].map((m) => m[0].replace(/[).,"]+$/, '')).filter((n) => n !== 'FD-' && !/^FD-(\d{4}|xxxx)$/.test(n))).toEqual([]);
    expect(everything).toContain('214 Canal Street, Millbrook');
  });
});

describe('the knowledge promises only what the assistant can do', () => {
  test('every phrase it tells customers to type is a trigger of one of the demo flows', async () => {
    const { loadProjectFlows } = await import('../helpers/start-test-chat.js');
    const triggers = new Set((await loadProjectFlows()).flows.flatMap((definition) => definition.triggers.map((trigger) => trigger.toLowerCase())));
    const everything = [...markdownIn('pages'), ...markdownIn('faq')].map((file) => file.text).join('\n');
    const phrases = [...everything.matchAll(/\b(?:type|tell me|ask me|say|(?:ask|tell|asking|telling) the assistant)(?: to)? "([^"]+)"/gi)].map((match) => match[1]!.toLowerCase());
    expect(phrases.length).toBeGreaterThan(3);
    // A phrase no flow handles would send the customer round in a circle: the same answer, telling them to type it.
    expect(phrases.filter((phrase) => !triggers.has(phrase))).toEqual([]);
  });
});
