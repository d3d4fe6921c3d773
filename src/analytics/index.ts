export * from './types.js';
export { conversationFacts, DONT_KNOW_PATTERN, IDLE_MILLISECONDS, type ConversationFacts } from './conversation-facts.js';
export { computeOverview, median, type Overview } from './overview.js';
export { findGapQuestions, groupGapQuestions, questionTerms, jaccard, type GapGroup, type GapQuestion, type GroupingOptions } from './gaps.js';
export { maskText, maskName, maskConversationKey } from './masking.js';
export { dayKey, lastDays, windowStart } from './days.js';
