import { wordTokens } from '../nlu/text.js';

/** Words that say nothing about what is asked: question words, pronouns, auxiliaries, politeness. */
const STOP_WORDS = new Set(
  (
    'a an the and or but if then so of in on at to for from by with about as into over under than this that these those it its ' +
    'i me my mine we us our ours you your yours he him his she her they them their there here ' +
    'is are was were be been being am do does did doing done have has had having can could would should will shall may might must ' +
    'what which who whom whose how when where why whats hows wheres whens ' +
    'please thanks thank hi hello hey ok okay yes no not any some much many more most also just really very get got ' +
    'tell know want need like let help question ask wondering thing things anything something im ive id dont cant wont isnt'
  ).split(' '),
);

/** A light English stemmer, enough to match "refunds"/"refund" and "charging"/"charge" in both directions. */
export function stem(word: string): string {
  if (word.length <= 3) return word;
  if (word.endsWith('ies') && word.length > 4) return `${word.slice(0, -3)}y`;
  if (/(ss|us|is)$/.test(word)) return word;
  if (/(sses|xes|ches|shes|zes)$/.test(word)) return word.slice(0, -2);
  if (word.endsWith('s')) return word.slice(0, -1);
  if (word.endsWith('ing') && word.length > 5) return word.slice(0, -3).replace(/(.)\1$/, '$1');
  if (word.endsWith('ed') && word.length > 4) return word.slice(0, -2).replace(/(.)\1$/, '$1');
  return word;
}

/** The words of a question that carry its meaning: normalised, stop words removed, in order, without repeats. */
export function contentTerms(text: string): string[] {
  const seen = new Set<string>();
  const terms: string[] = [];
  for (const token of wordTokens(text)) {
    if (STOP_WORDS.has(token) || (token.length < 2 && !/\d/.test(token))) continue;
    if (seen.has(token)) continue;
    seen.add(token);
    terms.push(token);
  }
  return terms;
}

/** Whether two words are one edit apart (a typo): insert, delete, substitute or swap two neighbours. */
export function isOneEditApart(a: string, b: string): boolean {
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}
