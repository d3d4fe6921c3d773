import vader from 'vader-sentiment';

/**
 * VADER's compound score for a customer message: -1 (very negative) to +1 (very positive), offline, about 5–30 µs.
 * A request for a person ("I want to talk to a human") is not a sentiment signal; the router detects it as an intent.
 *
 * @example
 * scoreSentiment('This is the worst service ever!!!') // ≈ -0.7
 */
export function scoreSentiment(text: string): number {
  if (!text.trim()) return 0;
  return Math.round(vader.SentimentIntensityAnalyzer.polarity_scores(text.slice(0, 1000)).compound * 1000) / 1000;
}
