import { createHmac, timingSafeEqual } from 'node:crypto';

/** A token that proves the holder opened this conversation; it is useless for any other one. */
export function signConversationToken(secret: string, conversationId: string): string {
  return createHmac('sha256', secret).update(`web-conversation:${conversationId}`).digest('base64url');
}

export function isValidConversationToken(secret: string, conversationId: string, token: string | undefined): boolean {
  if (!token) return false;
  const expected = Buffer.from(signConversationToken(secret, conversationId));
  const given = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
