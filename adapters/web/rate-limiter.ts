/**
 * A token bucket per key: `limitPerMinute` messages, refilled continuously. Returns how long to wait when empty.
 */
export function createRateLimiter(limitPerMinute: number, now: () => number) {
  const buckets = new Map<string, { tokens: number; updatedAt: number }>();
  const refillPerMillisecond = limitPerMinute / 60_000;
  let lastPrune = now();
  return {
    /** 0 when allowed; otherwise the seconds until the next message is. */
    take(key: string): number {
      if (limitPerMinute <= 0) return 0;
      const time = now();
      if (time - lastPrune > 60_000) {
        // Full buckets carry no information; dropping them keeps memory flat with many idle conversations.
        for (const [bucketKey, bucket] of buckets) if (bucket.tokens + (time - bucket.updatedAt) * refillPerMillisecond >= limitPerMinute) buckets.delete(bucketKey);
        lastPrune = time;
      }
      const bucket = buckets.get(key) ?? { tokens: limitPerMinute, updatedAt: time };
      bucket.tokens = Math.min(limitPerMinute, bucket.tokens + (time - bucket.updatedAt) * refillPerMillisecond);
      bucket.updatedAt = time;
      buckets.set(key, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return 0;
      }
      return Math.max(1, Math.ceil((1 - bucket.tokens) / refillPerMillisecond / 1000));
    },
  };
}
