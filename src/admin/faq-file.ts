import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { FrontdeskError } from '../errors.js';
import { loadFaqFile } from '../knowledge/loaders/faq.js';
import { looksLikeInstructions } from '../knowledge/suspicious.js';

/** What the owner types in "Add as FAQ". */
export interface FaqDraft {
  question: string;
  answer: string;
  /** Other ways customers ask it (the grouped gap's examples); they teach the router. */
  paraphrases?: string[];
}

/** Where dashboard entries go, inside the knowledge folder: an ordinary FAQ file the owner can edit or move. */
export const DASHBOARD_FAQ_FILE = join('faq', 'added-from-dashboard.md');
const TOPIC = '# Added from the dashboard';

const singleLine = (text: string) => text.replace(/\s+/g, ' ').trim();

/**
 * Checks a draft against the FAQ format (docs/knowledge.md) and returns it cleaned, or throws `body_invalid` saying
 * what to change. Nothing is escaped: a question that would not survive as one `## ` heading, or an answer line that
 * would start a heading or be read as a paraphrase, is refused instead, so the file always reads back as written.
 */
export function validateFaqDraft(draft: unknown): Required<FaqDraft> {
  const input = (draft && typeof draft === 'object' ? draft : {}) as Record<string, unknown>;
  if (typeof input.question !== 'string' || typeof input.answer !== 'string') throw new FrontdeskError('body_invalid', 'Send {"question": "…?", "answer": "…"} (both strings).');
  const question = singleLine(input.question);
  if (question.length < 5 || question.length > 200) throw new FrontdeskError('body_invalid', 'The question must be 5-200 characters.');
  if (!question.endsWith('?')) throw new FrontdeskError('body_invalid', 'The question must end with "?", as customers ask it.');
  if (/^[#>*+-]/.test(question)) throw new FrontdeskError('body_invalid', 'The question must not start with #, >, * , + or -: write it as a customer would ask it.');
  const answer = input.answer.replace(/\r\n?/g, '\n').trim();
  if (!answer) throw new FrontdeskError('body_invalid', 'The answer must not be empty.');
  if (answer.length > 4000) throw new FrontdeskError('body_invalid', 'The answer must be at most 4000 characters.');
  if (answer.split('\n').some((line) => /^\s*#/.test(line))) throw new FrontdeskError('body_invalid', 'A line of the answer starts with "#", which would start a new heading in the FAQ file. Reword that line.');
  if (/^[-*+]\s/.test(answer)) throw new FrontdeskError('body_invalid', 'The answer must not start with a bullet ("- "): it would be read as another way of asking the question. Start with a sentence.');
  const rawParaphrases = Array.isArray(input.paraphrases) ? input.paraphrases : [];
  if (rawParaphrases.some((paraphrase) => typeof paraphrase !== 'string')) throw new FrontdeskError('body_invalid', '"paraphrases" must be a list of strings.');
  const paraphrases = [...new Set((rawParaphrases as string[]).map(singleLine).filter((paraphrase) => paraphrase.length > 0 && paraphrase.toLowerCase() !== question.toLowerCase()))].slice(0, 10);
  if (paraphrases.some((paraphrase) => paraphrase.length > 200 || /^#/.test(paraphrase))) throw new FrontdeskError('body_invalid', 'Each paraphrase must be one line of at most 200 characters, not starting with "#".');
  if ([question, answer, ...paraphrases].some(looksLikeInstructions)) throw new FrontdeskError('body_invalid', 'This reads like instructions to the assistant rather than information for customers, so the bot would never use it. Rewrite it as an answer for customers.');
  return { question, answer, paraphrases };
}

/** The entry as FAQ Markdown: `## question`, paraphrase bullets, a blank line, the answer. */
export function formatFaqEntry(entry: Required<FaqDraft>): string {
  return [`## ${entry.question}`, ...entry.paraphrases.map((paraphrase) => `- ${paraphrase}`), '', entry.answer, ''].join('\n');
}

/**
 * Appends a validated entry to `<knowledge>/faq/added-from-dashboard.md` (created with its topic line) and checks that
 * the file still parses to one more entry. Returns the file's path.
 */
export function appendFaqEntry(knowledgeDirectory: string, draft: unknown): { file: string; entry: Required<FaqDraft> } {
  const entry = validateFaqDraft(draft);
  const file = join(knowledgeDirectory, DASHBOARD_FAQ_FILE);
  mkdirSync(dirname(file), { recursive: true });
  const before = existsSync(file) ? readFileSync(file, 'utf8') : `${TOPIC}\n\nQuestions the bot could not answer, answered by the owner on the dashboard (/admin).\n`;
  const after = `${before.replace(/\n*$/, '\n\n')}${formatFaqEntry(entry)}`;
  const entriesBefore = loadFaqFile(DASHBOARD_FAQ_FILE, before).chunks.length;
  const parsed = loadFaqFile(DASHBOARD_FAQ_FILE, after).chunks;
  const added = parsed.at(-1);
  if (parsed.length !== entriesBefore + 1 || added?.faq?.question !== entry.question || added.text !== entry.answer) {
    throw new FrontdeskError('body_invalid', 'This entry would not read back as one FAQ entry; check the question and answer for Markdown headings or bullets.');
  }
  writeFileSync(file, after);
  return { file, entry };
}

/** The questions and paraphrases already in the dashboard's FAQ file, lower-cased: gaps they cover are marked as addressed. */
export function dashboardFaqQuestions(knowledgeDirectory: string): string[] {
  const file = join(knowledgeDirectory, DASHBOARD_FAQ_FILE);
  if (!existsSync(file)) return [];
  return loadFaqFile(DASHBOARD_FAQ_FILE, readFileSync(file, 'utf8')).chunks.flatMap((chunk) => [chunk.faq?.question ?? '', ...(chunk.faq?.paraphrases ?? [])]).map((text) => text.toLowerCase().replace(/\s+/g, ' ').trim()).filter(Boolean);
}
