import type { KnowledgeChunk, LoadWarning } from '../types.js';

/**
 * An FAQ file → one chunk per entry. The format (docs/knowledge.md):
 *
 * ```markdown
 * # Topic
 *
 * ## The question?
 * - another way to ask it
 * - and another
 *
 * The answer, in one or more paragraphs.
 * ```
 *
 * The question and its paraphrases teach the router; all three are searched; only the answer is shown.
 *
 * @example
 * loadFaqFile('faq/shipping.md', '# Shipping\n\n## How much is shipping?\n- delivery cost?\n\nIt is $7.95.')
 */
export function loadFaqFile(source: string, markdown: string): { chunks: KnowledgeChunk[]; warnings: LoadWarning[] } {
  const chunks: KnowledgeChunk[] = [];
  const warnings: LoadWarning[] = [];
  let topic: string | undefined;
  let entry: { question: string; line: number; paraphrases: string[]; answer: string[] } | undefined;
  const finish = () => {
    if (!entry) return;
    const answer = entry.answer.join('\n').trim();
    if (!answer) {
      warnings.push({ source, message: `line ${entry.line}: the question "${entry.question}" has no answer paragraph after its paraphrases; it was skipped.` });
    } else {
      const heading = topic ? `${topic} > ${entry.question}` : entry.question;
      chunks.push({
        source,
        kind: 'faq',
        heading,
        text: answer,
        searchText: [entry.question, ...entry.paraphrases, answer].join('\n'),
        faq: { question: entry.question, paraphrases: entry.paraphrases },
      });
    }
    entry = undefined;
  };
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  lines.forEach((line, index) => {
    const topicMatch = /^#\s+(.+?)\s*$/.exec(line);
    const questionMatch = /^##\s+(.+?)\s*$/.exec(line);
    if (topicMatch) {
      finish();
      topic = topicMatch[1]!;
    } else if (questionMatch) {
      finish();
      entry = { question: questionMatch[1]!, line: index + 1, paraphrases: [], answer: [] };
    } else if (entry) {
      const bullet = /^\s*[-*+]\s+(.+?)\s*$/.exec(line);
      // Bullets directly under the question are paraphrases; bullets after the answer has started belong to it.
      if (bullet && entry.answer.every((answerLine) => answerLine.trim() === '')) entry.paraphrases.push(bullet[1]!);
      else entry.answer.push(line);
    } else if (line.trim() !== '' && !/^#/.test(line)) {
      // Text between the topic and the first question is an introduction: not an entry, and not worth a warning.
    }
  });
  finish();
  if (chunks.length === 0 && warnings.length === 0) {
    warnings.push({ source, message: 'has no FAQ entries ("## Question?" followed by an answer); it was skipped. See docs/knowledge.md for the format.' });
  }
  return { chunks, warnings };
}
