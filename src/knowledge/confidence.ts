import type { WordVectors } from './embeddings/word-vectors.js';
import { wordTokens } from '../nlu/text.js';
import { contentTerms, isOneEditApart, stem } from './terms.js';

/** Below this cosine two words are not treated as meaning the same thing (measured: "broken"/"damaged" 0.68 but also "horse"/"bike" 0.66, so a weak synonym earns partial credit). */
const SYNONYM_FLOOR = 0.6;
const SYNONYM_FULL = 0.85;

export interface CoverageOptions {
  wordVectors?: WordVectors;
  /** How many passages contain a term, and how many passages there are: for inverse document frequency. */
  documentFrequency: (term: string) => number;
  documentCount: number;
}

/**
 * How much of what the question asks about the passage actually talks about: the IDF-weighted share of the
 * question's content words that the passage contains (exactly, by stem, with a one-letter typo, or as a close
 * synonym by word vector). A question about "retroactive bereavement refunds" against a refund passage covers only
 * "refund", the commonest of its three words, so it scores low however similar the embeddings look.
 *
 * @example
 * termCoverage('how much is shipping', 'Standard shipping is $7.95 ...', options) // 1
 */
export function termCoverage(question: string, passage: string, options: CoverageOptions): number {
  const terms = contentTerms(question);
  if (terms.length === 0) return 0;
  const passageWords = [...new Set(wordTokens(passage))];
  const passageStems = new Set(passageWords.map(stem));
  // Only content words take part in synonym matching: in these vectors "life" sits at 0.71 from "what".
  const passageContent = contentTerms(passage);
  const passageVectors = options.wordVectors ? passageContent.map((word) => options.wordVectors!.vector(word)).filter((vector): vector is Float32Array => vector !== undefined) : [];
  let total = 0;
  let covered = 0;
  for (const term of terms) {
    const frequency = options.documentFrequency(term);
    // An unseen word weighs the most: the knowledge never mentions it, which is the strongest sign it cannot answer.
    const weight = Math.log((options.documentCount + 1) / (frequency + 0.5));
    total += weight;
    const termStem = stem(term);
    if (passageStems.has(termStem)) {
      covered += weight;
      continue;
    }
    if (term.length >= 5 && passageWords.some((word) => word.length >= 4 && isOneEditApart(term, word))) {
      covered += weight * 0.8;
      continue;
    }
    const vector = options.wordVectors?.vector(term);
    if (vector && passageVectors.length > 0) {
      let best = 0;
      for (const other of passageVectors) {
        let dot = 0;
        for (let d = 0; d < vector.length; d++) dot += vector[d]! * other[d]!;
        if (dot > best) best = dot;
      }
      if (best > SYNONYM_FLOOR) covered += weight * Math.min(1, (best - SYNONYM_FLOOR) / (SYNONYM_FULL - SYNONYM_FLOOR));
    }
  }
  return total > 0 ? covered / total : 0;
}
