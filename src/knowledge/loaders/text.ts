import type { KnowledgeChunk, LoadWarning } from '../types.js';
import { loadMarkdownPage, splitLongText } from './markdown.js';

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', ndash: '–', mdash: '—', hellip: '…', rsquo: '’', lsquo: '‘', rdquo: '”', ldquo: '“', copy: '©' };

/** Decodes the HTML entities that occur in ordinary pages (named, decimal and hex). */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1]?.toLowerCase() === 'x' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/**
 * HTML → Markdown-ish text with no dependency: script, style and other non-content elements are dropped with their
 * content, headings become `#` lines (so sections keep their heading path), block elements become line breaks,
 * every other tag is removed and entities are decoded.
 */
export function htmlToText(html: string): string {
  return decodeEntities(
    html
      .replace(/<!--[\s\S]*?-->/g, ' ')
      .replace(/<(script|style|noscript|template|svg|iframe|object|head|nav|footer)\b[\s\S]*?<\/\1\s*>/gi, ' ')
      .replace(/<(script|style|noscript|template|iframe)\b[^>]*\/?>/gi, ' ')
      .replace(/<h([1-6])\b[^>]*>([\s\S]*?)<\/h\1\s*>/gi, (_whole, level: string, inner: string) => `\n\n${'#'.repeat(Number(level))} ${inner.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim()}\n\n`)
      .replace(/<li\b[^>]*>/gi, '\n- ')
      .replace(/<(br|hr)\b[^>]*>/gi, '\n')
      .replace(/<\/?(p|div|section|article|main|ul|ol|table|tr|blockquote|pre|header|aside|dl|dt|dd)\b[^>]*>/gi, '\n\n')
      .replace(/<[^>]*>/g, ' '),
  )
    .replace(/[ \t\f\v]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** An HTML page → sections by its h1–h6 headings, like a Markdown page. */
export async function loadHtmlPage(source: string, html: string): Promise<{ chunks: KnowledgeChunk[]; warnings: LoadWarning[] }> {
  return loadMarkdownPage(source, htmlToText(html));
}

/** A plain-text file → its paragraphs, split into passages when long. No headings, so citations name the file. */
export async function loadTextFile(source: string, text: string): Promise<{ chunks: KnowledgeChunk[]; warnings: LoadWarning[] }> {
  const clean = text.replace(/\r\n?/g, '\n').trim();
  if (!clean) return { chunks: [], warnings: [{ source, message: 'is empty; it was skipped.' }] };
  const parts = await splitLongText(clean);
  return { chunks: parts.map((part) => ({ source, kind: 'page' as const, text: part, searchText: part })), warnings: [] };
}
