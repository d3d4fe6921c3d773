import type { ConversationFacts } from './conversation-facts.js';
import { dayKey, lastDays } from './days.js';
import type { AnalyticsFeedback } from './types.js';

export interface Overview {
  window: { days: number; from: string; to: string; timeZone: string };
  /** Conversations in which the customer wrote at least once, started in the window. */
  conversations: number;
  handedOff: number;
  contained: number;
  /** Share of conversations that never reached a person (0..1); null with no conversations. */
  containmentRate: number | null;
  handoffRate: number | null;
  handoffReasons: Array<{ reason: string; count: number }>;
  channels: string[];
  /** One entry per day of the window, zeros included. */
  perDay: Array<{ day: string; total: number; byChannel: Record<string, number> }>;
  csat: { responses: number; mean: number | null; satisfiedShare: number | null; distribution: number[] };
  nps: { responses: number; score: number | null; promoters: number; passives: number; detractors: number };
  firstResponse: { samples: number; medianMilliseconds: number | null };
  /** Mean customer sentiment (−1..1) per day; null on days without a scored customer message. */
  sentiment: Array<{ day: string; mean: number | null; samples: number }>;
  /** Customer messages the bot answered with "I don't know". */
  unanswered: number;
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const round = (value: number, places = 4) => Number(value.toFixed(places));

/**
 * The dashboard's figures for the last `days` days (in the business's time zone), from per-conversation facts and the
 * feedback given in those conversations. Pure: the same input always gives the same figures.
 *
 * - containment = engaged conversations without a handoff / engaged conversations; handoff rate is the rest;
 * - CSAT: mean of the 1–5 answers and the share of 4s and 5s; NPS: % promoters (9–10) − % detractors (0–6);
 * - first response: median over conversations of first customer message → first reply after it;
 * - sentiment: mean VADER score of customer messages per day.
 */
export function computeOverview(input: { facts: readonly ConversationFacts[]; feedback: readonly AnalyticsFeedback[]; now: number; days: number; timeZone: string }): Overview {
  const days = lastDays(input.now, input.days, input.timeZone);
  const inWindow = new Set(days);
  const facts = input.facts.filter((fact) => fact.isEngaged && inWindow.has(dayKey(fact.startedAt, input.timeZone)));
  const ids = new Set(facts.map((fact) => fact.id));
  const channels = [...new Set(facts.map((fact) => fact.channel))].sort();
  const perDay = new Map(days.map((day) => [day, { day, total: 0, byChannel: Object.fromEntries(channels.map((channel) => [channel, 0])) as Record<string, number> }]));
  const sentimentByDay = new Map(days.map((day) => [day, [] as number[]]));
  const reasons = new Map<string, number>();
  let handedOff = 0;
  let unanswered = 0;
  for (const fact of facts) {
    const entry = perDay.get(dayKey(fact.startedAt, input.timeZone))!;
    entry.total++;
    entry.byChannel[fact.channel] = (entry.byChannel[fact.channel] ?? 0) + 1;
    if (fact.isHandedOff) {
      handedOff++;
      const reason = fact.handoffReason ?? 'unknown';
      reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    }
    unanswered += fact.unanswered;
    for (const sentiment of fact.sentiments) sentimentByDay.get(dayKey(sentiment.at, input.timeZone))?.push(sentiment.score);
  }
  const feedback = input.feedback.filter((answer) => ids.has(answer.conversationId));
  const csat = feedback.filter((answer) => answer.kind === 'csat').map((answer) => answer.score);
  const nps = feedback.filter((answer) => answer.kind === 'nps').map((answer) => answer.score);
  const promoters = nps.filter((score) => score >= 9).length;
  const detractors = nps.filter((score) => score <= 6).length;
  const firstResponses = facts.flatMap((fact) => (fact.firstResponseMilliseconds === undefined ? [] : [fact.firstResponseMilliseconds]));
  const total = facts.length;
  return {
    window: { days: input.days, from: days[0]!, to: days.at(-1)!, timeZone: input.timeZone },
    conversations: total,
    handedOff,
    contained: total - handedOff,
    containmentRate: total === 0 ? null : round((total - handedOff) / total),
    handoffRate: total === 0 ? null : round(handedOff / total),
    handoffReasons: [...reasons].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason)),
    channels,
    perDay: [...perDay.values()],
    csat: {
      responses: csat.length,
      mean: csat.length === 0 ? null : round(csat.reduce((sum, score) => sum + score, 0) / csat.length, 2),
      satisfiedShare: csat.length === 0 ? null : round(csat.filter((score) => score >= 4).length / csat.length),
      distribution: [1, 2, 3, 4, 5].map((score) => csat.filter((given) => given === score).length),
    },
    nps: { responses: nps.length, score: nps.length === 0 ? null : Math.round(((promoters - detractors) / nps.length) * 100), promoters, passives: nps.length - promoters - detractors, detractors },
    firstResponse: { samples: firstResponses.length, medianMilliseconds: median(firstResponses) },
    sentiment: [...sentimentByDay].map(([day, scores]) => ({ day, samples: scores.length, mean: scores.length === 0 ? null : round(scores.reduce((sum, score) => sum + score, 0) / scores.length) })),
    unanswered,
  };
}
