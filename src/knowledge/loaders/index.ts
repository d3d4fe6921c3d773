import { readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import type { KnowledgeChunk, LoadWarning } from '../types.js';
import { isCatalogHeader, loadCatalogCsv, parseCsvRows } from './csv-catalog.js';
import { loadFaqFile } from './faq.js';
import { loadMarkdownPage } from './markdown.js';
import { loadHtmlPage, loadTextFile } from './text.js';

export { loadMarkdownPage, splitMarkdownSections } from './markdown.js';
export { loadFaqFile } from './faq.js';
export { loadCatalogCsv, parseCsvRows, isCatalogHeader } from './csv-catalog.js';
export { loadHtmlPage, loadTextFile, htmlToText } from './text.js';

export const SUPPORTED_EXTENSIONS = ['.md', '.markdown', '.txt', '.html', '.htm', '.csv'] as const;

/** A file found in the knowledge folder, before it is parsed. */
export interface KnowledgeFile {
  /** Path relative to the knowledge folder, forward slashes. */
  source: string;
  path: string;
}

/**
 * Every file under `directory` that could be knowledge, sorted. Dotfiles and dot-folders are not (`.gitkeep`,
 * `.DS_Store`); files of an unknown type are listed so ingest can warn about them by name.
 */
export function listKnowledgeFiles(directory: string): KnowledgeFile[] {
  const files: KnowledgeFile[] = [];
  const visit = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name.startsWith('.')) continue;
      const path = join(folder, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (entry.isFile() || (entry.isSymbolicLink() && statSync(path, { throwIfNoEntry: false })?.isFile())) files.push({ source: relative(directory, path).split(sep).join('/'), path });
    }
  };
  visit(directory);
  return files;
}

/** What a file is, from its name and (for CSV) its header: decides the loader, or that it is not knowledge. */
export function knowledgeTypeOf(source: string, content?: string): 'faq' | 'page' | 'html' | 'text' | 'catalog' | 'not-knowledge' | 'unknown' {
  const extension = extname(source).toLowerCase();
  if (extension === '.md' || extension === '.markdown') return source.split('/').slice(0, -1).includes('faq') ? 'faq' : 'page';
  if (extension === '.html' || extension === '.htm') return 'html';
  if (extension === '.txt') return 'text';
  if (extension === '.csv') {
    const header = content === undefined ? undefined : parseCsvRows(content.split('\n', 1)[0] ?? '')[0];
    // Customers and orders live beside the catalog in the demo; they are personal data, never knowledge.
    return header && isCatalogHeader(header) ? 'catalog' : 'not-knowledge';
  }
  return 'unknown';
}

/**
 * Reads and parses one knowledge file. Never throws: an unreadable, binary or unknown file comes back with no
 * chunks and a warning naming it, so one bad file cannot stop the rest of the knowledge from loading.
 */
export async function loadKnowledgeFile(file: KnowledgeFile, content?: Buffer): Promise<{ chunks: KnowledgeChunk[]; warnings: LoadWarning[]; isKnowledge: boolean }> {
  const { source } = file;
  const extension = extname(source).toLowerCase();
  if (!(SUPPORTED_EXTENSIONS as readonly string[]).includes(extension)) {
    return {
      chunks: [],
      isKnowledge: false,
      warnings: [{ source, message: `is not a supported type (${extension || 'no extension'}); it was skipped. Knowledge files are ${SUPPORTED_EXTENSIONS.join(', ')}: convert it, or move it out of the knowledge folder.` }],
    };
  }
  let bytes: Buffer;
  try {
    bytes = content ?? (await readFile(file.path));
  } catch (error) {
    return { chunks: [], isKnowledge: false, warnings: [{ source, message: `could not be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); it was skipped. Check the file's permissions.` }] };
  }
  if (bytes.includes(0)) {
    return { chunks: [], isKnowledge: false, warnings: [{ source, message: 'looks like a binary file, not text; it was skipped. Save it as UTF-8 text.' }] };
  }
  const text = bytes.toString('utf8');
  try {
    switch (knowledgeTypeOf(source, text)) {
      case 'faq':
        return { ...loadFaqFile(source, text), isKnowledge: true };
      case 'page':
        return { ...(await loadMarkdownPage(source, text)), isKnowledge: true };
      case 'html':
        return { ...(await loadHtmlPage(source, text)), isKnowledge: true };
      case 'text':
        return { ...(await loadTextFile(source, text)), isKnowledge: true };
      case 'catalog':
        return { ...loadCatalogCsv(source, text), isKnowledge: true };
      case 'not-knowledge':
        return { chunks: [], isKnowledge: false, warnings: [] };
      default:
        return { chunks: [], isKnowledge: false, warnings: [{ source, message: 'is not a supported type; it was skipped.' }] };
    }
  } catch (error) {
    return { chunks: [], isKnowledge: false, warnings: [{ source, message: `could not be parsed (${(error as Error).message}); it was skipped.` }] };
  }
}
