import type { RecursiveCharacterTextSplitter } from '@langchain/textsplitters';
import type { KnowledgeChunk, LoadWarning } from '../types.js';

/** Sections longer than this are split further (characters; about 250 words, a passage a customer still reads). */
export const MAX_SECTION_CHARACTERS = 1_200;

// Loaded when a long section first needs it: a start-up with nothing new to ingest never pays for it (about 8 MB).
let splitter: Promise<RecursiveCharacterTextSplitter> | undefined;
const textSplitter = () =>
  (splitter ??= import('@langchain/textsplitters').then(
    ({ RecursiveCharacterTextSplitter }) =>
      new RecursiveCharacterTextSplitter({
        chunkSize: 1_000,
        chunkOverlap: 120,
        // Paragraphs first, then list items, then sentences: a passage never starts mid-sentence unless one sentence is huge.
        separators: ['\n\n', '\n- ', '\n', '. ', '; ', ', ', ' ', ''],
      }),
  ));

interface Section {
  path: string[];
  lines: string[];
}

/**
 * Splits Markdown into sections by heading, keeping the heading path (`Returns and refunds > Exchanges`), so a
 * passage can be cited by where it sits in its page. Lines inside code fences are never read as headings.
 */
export function splitMarkdownSections(markdown: string): Array<{ headingPath: string[]; text: string }> {
  const sections: Section[] = [];
  const stack: Array<{ level: number; title: string }> = [];
  let current: Section = { path: [], lines: [] };
  let isInFence = false;
  for (const line of markdown.replace(/\r\n?/g, '\n').split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) isInFence = !isInFence;
    const heading = isInFence ? null : /^(#{1,6})\s+(.+?)\s*#*\s*$/.exec(line);
    if (!heading) {
      current.lines.push(line);
      continue;
    }
    sections.push(current);
    const level = heading[1]!.length;
    while (stack.length > 0 && stack.at(-1)!.level >= level) stack.pop();
    stack.push({ level, title: heading[2]!.trim() });
    current = { path: stack.map((entry) => entry.title), lines: [] };
  }
  sections.push(current);
  return sections.map((section) => ({ headingPath: section.path, text: section.lines.join('\n').trim() })).filter((section) => section.text !== '');
}

/** Splits one section's text when it is long; short sections stay whole. */
export async function splitLongText(text: string): Promise<string[]> {
  if (text.length <= MAX_SECTION_CHARACTERS) return [text];
  return (await (await textSplitter()).splitText(text)).map((part) => part.trim()).filter(Boolean);
}

/**
 * A Markdown page → one chunk per section (long sections in several parts), each with its heading path.
 *
 * @example
 * await loadMarkdownPage('pages/returns.md', '# Returns\n\n## Refund timing\n\nWithin 5 days.')
 * // [{ source: 'pages/returns.md', kind: 'page', heading: 'Returns > Refund timing', text: 'Within 5 days.', ... }]
 */
export async function loadMarkdownPage(source: string, markdown: string): Promise<{ chunks: KnowledgeChunk[]; warnings: LoadWarning[] }> {
  const chunks: KnowledgeChunk[] = [];
  for (const section of splitMarkdownSections(markdown)) {
    const heading = section.headingPath.length > 0 ? section.headingPath.join(' > ') : undefined;
    const parts = await splitLongText(section.text);
    for (const part of parts) chunks.push({ source, kind: 'page', heading, text: part, searchText: heading ? `${heading}\n${part}` : part });
  }
  const warnings: LoadWarning[] = chunks.length === 0 ? [{ source, message: 'has no text to answer from (empty, or headings only); it was skipped.' }] : [];
  return { chunks, warnings };
}
