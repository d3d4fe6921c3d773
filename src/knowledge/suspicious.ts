/**
 * Text in a knowledge file that talks to the assistant instead of the customer: the shape of a planted prompt
 * injection. Such a passage is kept out of every answer and named in an ingest warning (RELIABILITY.md 5.4). It is
 * one layer of several; the LLM path's output checks do not rely on it.
 */
const PATTERNS: RegExp[] = [
  /\b(ignore|disregard|forget|override)\b[^.\n]{0,40}\b(previous|prior|above|earlier|all|any|your|the)\b[^.\n]{0,30}\b(instructions?|rules|prompts?|guidelines|directions)\b/i,
  /\b(system|developer|hidden)\s+(prompt|message|instructions?)\b/i,
  /\b(developer|god|admin|jailbreak|dan)\s+mode\b/i,
  /\byou\s+are\s+now\b/i,
  /\b(as an? (ai|assistant|language model)|(assistant|chatbot|bot|ai|model)s?\s+(must|should|shall)\s+(always|never|say|tell|reply|answer|respond))\b/i,
  /\b(tell|inform|assure|promise)\s+(the\s+|all\s+)?(users?|customers?|visitors?|people)\s+(that\s+)?[^.\n]{0,80}/i,
  /\b(link|redirect|send|point)\s+(them|users?|customers?|people|everyone)\s+to\b/i,
  /!\[[^\]]*\]\([^)]*\{[^)]*\}[^)]*\)/,
];

export function looksLikeInstructions(text: string): boolean {
  return PATTERNS.some((pattern) => pattern.test(text));
}
