import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { listKnowledgeFiles, loadKnowledgeFile } from '../../../src/knowledge/loaders/index.js';
import { loadMarkdownPage } from '../../../src/knowledge/loaders/markdown.js';
import { loadFaqFile } from '../../../src/knowledge/loaders/faq.js';
import { loadCatalogCsv } from '../../../src/knowledge/loaders/csv-catalog.js';
import { htmlToText } from '../../../src/knowledge/loaders/text.js';

const mini = resolve(import.meta.dirname, '../../fixtures/knowledge/mini');
const load = (source: string) => loadKnowledgeFile({ source, path: join(mini, source) });

describe('Markdown pages', () => {
  test('each section becomes a chunk that keeps its heading path', async () => {
    const { chunks, warnings } = await load('pages/returns.md');
    expect(warnings).toEqual([]);
    expect(chunks.map((chunk) => chunk.heading)).toEqual([
      'Returns and refunds > Our 30-day returns policy',
      'Returns and refunds > When you get your refund',
      'Returns and refunds > Note for the assistant',
    ]);
    expect(chunks[1]).toMatchObject({ source: 'pages/returns.md', kind: 'page', text: 'We refund you within 5 business days of receiving the item, to the original payment method.' });
    expect(chunks[1]!.searchText).toContain('When you get your refund');
  });

  test('a long section is split into passages that all keep the heading, and code fences are not headings', async () => {
    const paragraph = (n: number) => `Paragraph ${n}: ${'the workshop checks brakes, gears and tyres carefully. '.repeat(6)}`;
    const markdown = `# Repairs\n\n## Services\n\n${[1, 2, 3, 4, 5].map(paragraph).join('\n\n')}\n\n\`\`\`\n# not a heading\n\`\`\`\n\n### Prices\n\nA service is $89.`;
    const { chunks } = await loadMarkdownPage('pages/repairs.md', markdown);
    const services = chunks.filter((chunk) => chunk.heading === 'Repairs > Services');
    expect(services.length).toBeGreaterThan(1);
    expect(services.every((chunk) => chunk.text.length <= 1_200)).toBe(true);
    expect(chunks.at(-1)).toMatchObject({ heading: 'Repairs > Services > Prices', text: 'A service is $89.' });
    expect(chunks.some((chunk) => chunk.heading?.includes('not a heading'))).toBe(false);
  });
});

describe('FAQ files', () => {
  test('each entry is its question, its paraphrases and its answer', async () => {
    const { chunks, warnings } = await load('faq/shipping.md');
    expect(warnings).toEqual([]);
    expect(chunks).toHaveLength(2);
    expect(chunks[0]).toMatchObject({
      kind: 'faq',
      heading: 'Shipping > How much does shipping cost?',
      faq: { question: 'How much does shipping cost?', paraphrases: ['How much is delivery?', 'What are your shipping fees?', 'shipping cost'] },
    });
    expect(chunks[0]!.text).toMatch(/^Standard shipping is \$7\.95/);
    expect(chunks[0]!.searchText).toContain('What are your shipping fees?');
  });

  test('a question with no answer is skipped with a warning naming the file and line', () => {
    const { chunks, warnings } = loadFaqFile('faq/broken.md', '# Topic\n\n## Is this answered?\n- really?\n\n## Is this one?\n\nYes.\n');
    expect(chunks.map((chunk) => chunk.faq?.question)).toEqual(['Is this one?']);
    expect(warnings).toEqual([{ source: 'faq/broken.md', message: expect.stringMatching(/line 3: the question "Is this answered\?" has no answer/) }]);
  });
});

describe('CSV catalog', () => {
  test('one chunk per product, written as a sentence, with quoted fields intact', async () => {
    const { chunks } = await load('catalog.csv');
    expect(chunks).toHaveLength(2);
    expect(chunks[0]).toMatchObject({ kind: 'product', heading: 'Pip 16 Kids Bike', url: 'https://riversidecycles.example/p/P-1' });
    expect(chunks[0]!.text).toBe('Pip 16 Kids Bike (Kids Bikes) costs $229.00. A light 16-inch kids bike with a coaster brake, for ages 4 to 6. In stock (3 available). Details: https://riversidecycles.example/p/P-1');
    expect(chunks[1]!.text).toContain('Tempo "AL" 8 (Road Bikes) costs $999.00');
    expect(chunks[1]!.text).toContain('Currently out of stock.');
  });

  test('a CSV without product columns (customers, orders) is not knowledge and is never ingested', async () => {
    const customers = await load('customers.csv');
    expect(customers).toEqual({ chunks: [], warnings: [], isKnowledge: false });
    expect(loadCatalogCsv('x.csv', 'a,b\n1,2').warnings[0]!.message).toMatch(/needs the columns name, description/);
  });
});

describe('plain text and HTML', () => {
  test('a text file becomes its passages, cited by file', async () => {
    const { chunks } = await load('notes.txt');
    expect(chunks).toEqual([{ source: 'notes.txt', kind: 'page', text: expect.stringMatching(/^Gift wrapping is free[\s\S]*gift receipt\.$/), searchText: expect.any(String) }]);
  });

  test('HTML loses scripts, styles and tags, keeps its headings as the path, and decodes entities', async () => {
    const { chunks } = await load('rentals.html');
    expect(chunks.map((chunk) => [chunk.heading, chunk.text])).toEqual([
      ['Bike rentals', 'Rent a hybrid bike for $35 a day & a helmet is included.'],
      ['Bike rentals > Deposit', 'We take a $200 card deposit.'],
    ]);
    expect(htmlToText('<p>a<script>x()</script><style>p{}</style>b &#x41;&#66;</p>')).toBe('a b AB');
  });
});

describe('files that are not knowledge', () => {
  test('an unknown type and an unreadable file each give a warning naming the file, and nothing else', async () => {
    const pdf = await load('brochure.pdf');
    expect(pdf.chunks).toEqual([]);
    expect(pdf.warnings[0]).toEqual({ source: 'brochure.pdf', message: expect.stringMatching(/not a supported type \(\.pdf\).*\.md, \.markdown, \.txt, \.html, \.htm, \.csv/) });
    const missing = await loadKnowledgeFile({ source: 'pages/gone.md', path: join(mini, 'pages/gone.md') });
    expect(missing.warnings[0]).toEqual({ source: 'pages/gone.md', message: expect.stringMatching(/could not be read \(ENOENT\)/) });
  });

  test('the folder listing is sorted, recursive and skips dotfiles', () => {
    expect(listKnowledgeFiles(mini).map((file) => file.source)).toEqual(['brochure.pdf', 'catalog.csv', 'customers.csv', 'faq/shipping.md', 'notes.txt', 'pages/returns.md', 'rentals.html']);
  });
});
