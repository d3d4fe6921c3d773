import { createHmac, timingSafeEqual } from 'node:crypto';

/** A token that proves the holder opened this conversation; it is useless for any other one. */
export function signConversationToken(secret: string, conversationId: string): string {
  return createHmac('sha256', secret).update(`web-conversation:${conversationId}`).digest('base64url');
}

/**
 * Checks a token in constant time. Verified tokens are remembered (bounded), since an HMAC per message is a
 * measurable share of a turn and a conversation sends many messages with the same token.
 */
export function createTokenVerifier(secret: string, options: { maxRemembered?: number } = {}) {
  const maxRemembered = options.maxRemembered ?? 50_000;
  const verified = new Map<string, string>();
  return (conversationId: string, token: string | undefined): boolean => {
    if (!token) return false;
    const remembered = verified.get(conversationId);
    if (remembered !== undefined) return remembered.length === token.length && timingSafeEqual(Buffer.from(remembered), Buffer.from(token));
    const expected = Buffer.from(signConversationToken(secret, conversationId));
    const given = Buffer.from(token);
    const isValid = given.length === expected.length && timingSafeEqual(given, expected);
    if (isValid) {
      if (verified.size >= maxRemembered) verified.clear();
      verified.set(conversationId, token);
    }
    return isValid;
  };
}
