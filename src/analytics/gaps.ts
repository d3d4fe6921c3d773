import { createHash } from 'node:crypto';
import { contentTerms, stem } from '../knowledge/terms.js';
import { DONT_KNOW_PATTERN, isCustomerFacing } from './conversation-facts.js';
import type { AnalyticsConversation } from './types.js';

/** A customer question the bot could not answer, or answered with little confidence. */
export interface GapQuestion {
  conversationId: string;
  channel: string;
  text: string;
  at: string;
  kind: 'unanswered' | 'lowConfidence';
  confidence?: number;
}

export interface GapGroup {
  /** Stable for the same representative question. */
  id: string;
  /** The question most asked in the group (the earliest on a tie). */
  question: string;
  count: number;
  unanswered: number;
  lowConfidence: number;
  lastAt: string;
  /** Up to five different wordings, most recent first. */
  examples: Array<{ text: string; conversationId: string; at: string }>;
}

/**
 * The gap questions in these conversations: each customer message whose reply was "I don't know" (flows/faq.ts), or
 * a knowledge answer (with citations) whose confidence was below `lowConfidenceBelow`.
 */
export function findGapQuestions(conversations: readonly AnalyticsConversation[], options: { lowConfidenceBelow: number }): GapQuestion[] {
  const questions: GapQuestion[] = [];
  for (const conversation of conversations) {
    let last: { text: string; at: string; isCounted: boolean } | undefined;
    for (const item of conversation.items) {
      if (!isCustomerFacing(conversation, item)) continue;
      if (item.direction === 'in' && item.body.role === 'customer') {
        last = { text: String(item.body.text ?? ''), at: item.createdAt, isCounted: false };
        continue;
      }
      if (item.direction !== 'out' || item.body.role !== 'bot' || !last || last.isCounted) continue;
      const confidence = item.body.trace?.confidence;
      if (DONT_KNOW_PATTERN.test(item.body.text ?? '')) {
        questions.push({ conversationId: conversation.id, channel: conversation.channel, text: last.text, at: last.at, kind: 'unanswered' });
        last.isCounted = true;
      } else if ((item.body.citations?.length ?? 0) > 0 && typeof confidence === 'number' && confidence < options.lowConfidenceBelow) {
        questions.push({ conversationId: conversation.id, channel: conversation.channel, text: last.text, at: last.at, kind: 'lowConfidence', confidence });
        last.isCounted = true;
      }
    }
  }
  return questions;
}

/** Stemmed content words: "Do you gift-wrap orders?" → gift, wrap, order. */
export function questionTerms(text: string): Set<string> {
  return new Set(contentTerms(text).map(stem));
}

export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 0;
  let shared = 0;
  for (const term of a) if (b.has(term)) shared++;
  return shared / (a.size + b.size - shared);
}

function cosine(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let index = 0; index < a.length; index++) {
    dot += a[index]! * b[index]!;
    normA += a[index]! * a[index]!;
    normB += b[index]! * b[index]!;
  }
  return normA === 0 || normB === 0 ? 0 : dot / Math.sqrt(normA * normB);
}

export interface GroupingOptions {
  /** One sentence vector per question (same order), e.g. from OfflineEmbeddings; without it only word overlap counts. */
  vectors?: readonly (readonly number[])[];
  /** Same group when the stemmed content words overlap this much (Jaccard, default 0.5)… */
  minOverlap?: number;
  /** …or the sentence vectors are this close (cosine, default 0.85; the offline embedder puts paraphrases above 0.8). */
  minCosine?: number;
}

const normalize = (text: string) => text.toLowerCase().replace(/\s+/g, ' ').trim();

/**
 * Groups paraphrases together, deterministically: questions are taken oldest first and each joins the group holding
 * its most similar earlier question, if that one is similar enough, else starts a group. Groups come back largest
 * first (then most recent).
 */
export function groupGapQuestions(questions: readonly GapQuestion[], options: GroupingOptions = {}): GapGroup[] {
  const minOverlap = options.minOverlap ?? 0.5;
  const minCosine = options.minCosine ?? 0.85;
  const order = questions.map((question, index) => ({ question, index, terms: questionTerms(question.text), vector: options.vectors?.[index] }));
  order.sort((a, b) => a.question.at.localeCompare(b.question.at) || a.index - b.index);
  const groups: Array<typeof order> = [];
  for (const entry of order) {
    let best: { group: (typeof order); similarity: number } | undefined;
    for (const group of groups) {
      for (const member of group) {
        const overlap = jaccard(entry.terms, member.terms);
        const vectorSimilarity = entry.vector && member.vector ? cosine(entry.vector, member.vector) : 0;
        const isSimilar = normalize(entry.question.text) === normalize(member.question.text) || overlap >= minOverlap || vectorSimilarity >= minCosine;
        const similarity = Math.max(overlap, vectorSimilarity);
        if (isSimilar && (!best || similarity > best.similarity)) best = { group, similarity };
      }
    }
    if (best) best.group.push(entry);
    else groups.push([entry]);
  }
  return groups
    .map((members): GapGroup => {
      const counts = new Map<string, { text: string; count: number; first: number }>();
      members.forEach((member, position) => {
        const key = normalize(member.question.text);
        const found = counts.get(key);
        if (found) found.count++;
        else counts.set(key, { text: member.question.text.trim(), count: 1, first: position });
      });
      const representative = [...counts.values()].sort((a, b) => b.count - a.count || a.first - b.first)[0]!;
      const seen = new Set<string>();
      const examples: GapGroup['examples'] = [];
      for (const member of [...members].reverse()) {
        const key = normalize(member.question.text);
        if (seen.has(key) || examples.length >= 5) continue;
        seen.add(key);
        examples.push({ text: member.question.text.trim(), conversationId: member.question.conversationId, at: member.question.at });
      }
      return {
        id: `gap_${createHash('sha256').update(normalize(representative.text)).digest('hex').slice(0, 12)}`,
        question: representative.text,
        count: members.length,
        unanswered: members.filter((member) => member.question.kind === 'unanswered').length,
        lowConfidence: members.filter((member) => member.question.kind === 'lowConfidence').length,
        lastAt: members.at(-1)!.question.at,
        examples,
      };
    })
    .sort((a, b) => b.count - a.count || b.lastAt.localeCompare(a.lastAt) || a.id.localeCompare(b.id));
}
