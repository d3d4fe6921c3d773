import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { openWebConversation, postWebMessage, readTranscript, startWebServer, type WebServer } from '../helpers/web-client.js';
import { projectRoot } from '../helpers/start-test-chat.js';

const counterFlows = join(projectRoot, 'test/fixtures/counter-flows');

describe('web chat API with the demo flows', () => {
  let server: WebServer;
  beforeAll(async () => (server = await startWebServer()));
  afterAll(() => server.close());

  test('GET /health answers ok', async () => {
    const response = await fetch(`${server.url}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  test('opening a conversation returns 201 with an id and a token, and the greeting is in the transcript', async () => {
    const response = await fetch(`${server.url}/api/web/conversations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(response.status).toBe(201);
    const conversation = (await response.json()) as { conversationId: string; token: string };
    expect(conversation.conversationId).toMatch(/^c_/);
    expect(conversation.token.length).toBeGreaterThan(20);
    const transcript = await readTranscript(server.url, conversation);
    expect(transcript.map((message) => message.role)).toEqual(['bot']);
    expect(transcript[0]!.text).toMatch(/automated assistant/);
  });

  test('a message gets its replies in the response, and the transcript keeps both in order', async () => {
    const conversation = await openWebConversation(server.url);
    const { status, body } = await postWebMessage(server.url, conversation, 'hello');
    expect(status).toBe(200);
    expect(body.isDuplicate).toBe(false);
    expect(body.replies.map((reply) => reply.text)).toEqual([expect.stringMatching(/Hi there! I'm the automated assistant/)]);
    const transcript = await readTranscript(server.url, conversation);
    expect(transcript.map((message) => `${message.role}: ${message.text.slice(0, 12)}`)).toEqual(['bot: Hi there! I\'', 'customer: hello', 'bot: Hi there! I\'']);
  });

  test('HTML in a message is stored and echoed as inert text', async () => {
    const conversation = await openWebConversation(server.url);
    const payload = '<img src=x onerror=alert(1)> \'; DROP TABLE messages; --';
    await postWebMessage(server.url, conversation, payload);
    const transcript = await readTranscript(server.url, conversation);
    expect(transcript.find((message) => message.role === 'customer')!.text).toBe(payload);
  });

  test('a wrong or missing token gets 404, never revealing that the conversation exists', async () => {
    const conversation = await openWebConversation(server.url);
    const other = await openWebConversation(server.url);
    const wrongToken = await postWebMessage(server.url, { conversationId: conversation.conversationId, token: other.token }, 'hi');
    expect(wrongToken.status).toBe(404);
    expect(wrongToken.body.error!.code).toBe('not_found');
    const missing = await fetch(`${server.url}/api/web/conversations/${conversation.conversationId}/messages`);
    expect(missing.status).toBe(404);
    const unknown = await fetch(`${server.url}/api/web/conversations/c_nope/messages`, { headers: { authorization: `Bearer ${conversation.token}` } });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual(await (await fetch(`${server.url}/api/web/conversations/${conversation.conversationId}/messages`)).json());
  });

  test('malformed bodies get 400 with the reason', async () => {
    const conversation = await openWebConversation(server.url);
    const post = (body: string, contentType = 'application/json') =>
      fetch(`${server.url}/api/web/conversations/${conversation.conversationId}/messages`, { method: 'POST', headers: { 'content-type': contentType, authorization: `Bearer ${conversation.token}` }, body });
    const cases: Array<[string, string, RegExp, string?]> = [
      ['', 'empty body', /body is empty/],
      ['{"text": "hi", ', 'truncated JSON', /not valid JSON/],
      ['{"text": 5, "clientMessageId": "a"}', 'text of the wrong type', /"text" must be a string of 1-4000 characters \(got number\)/],
      ['{"text": "   ", "clientMessageId": "a"}', 'blank text', /"text" must not be empty/],
      [JSON.stringify({ text: 'x'.repeat(4001), clientMessageId: 'a' }), 'text too long', /1-4000 characters/],
      ['{"text": "hi"}', 'no clientMessageId', /clientMessageId/],
      ['{"text": "hi", "clientMessageId": "a"}', 'wrong content type', /Content-Type must be application\/json/, 'text/plain'],
      ['['.repeat(100) + ']'.repeat(100), 'nesting over 64 levels', /nested deeper than 64/],
      ['{"__proto__": {"polluted": true}, "text": 1, "clientMessageId": "a"}', 'prototype keys', /"text" must be a string/],
    ];
    for (const [body, what, reason, contentType] of cases) {
      const response = await post(body, contentType);
      expect(response.status, what).toBe(400);
      const error = ((await response.json()) as { error: { code: string; message: string } }).error;
      expect(error.code, what).toBe('body_invalid');
      expect(error.message, what).toMatch(reason);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test('a body over 64 KB gets 413 before it is parsed', async () => {
    const conversation = await openWebConversation(server.url);
    const response = await fetch(`${server.url}/api/web/conversations/${conversation.conversationId}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${conversation.token}` },
      body: JSON.stringify({ text: 'x'.repeat(70 * 1024), clientMessageId: 'big' }),
    });
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('body_too_large');
  });

  test('an unknown route is 404 and a wrong method 405, both as JSON errors', async () => {
    expect((await fetch(`${server.url}/api/nothing`)).status).toBe(404);
    const wrongMethod = await fetch(`${server.url}/api/web/conversations`);
    expect(wrongMethod.status).toBe(405);
  });

  test('the chat page is served with a Content-Security-Policy and no inline script', async () => {
    const response = await fetch(`${server.url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    const html = await response.text();
    expect(html).toMatch(/<script src="\/widget.js" defer[^>]*><\/script>/);
    expect(html).not.toMatch(/<script>/);
  });

  test('server-sent events push later messages, and a reconnect with Last-Event-ID replays what was missed', async () => {
    const conversation = await openWebConversation(server.url);
    const controller = new AbortController();
    const stream = await fetch(`${server.url}/api/web/conversations/${conversation.conversationId}/events?token=${conversation.token}`, { signal: controller.signal });
    expect(stream.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = stream.body!.getReader();
    const { body } = await postWebMessage(server.url, conversation, 'hello');
    let received = '';
    while (!received.includes(body.replies[0]!.id)) received += new TextDecoder().decode((await reader.read()).value);
    expect(received).toMatch(/event: message\ndata: .*automated assistant/);
    controller.abort();

    const greetingId = (await readTranscript(server.url, conversation))[0]!.id;
    const resumeController = new AbortController();
    const resumed = await fetch(`${server.url}/api/web/conversations/${conversation.conversationId}/events`, {
      headers: { authorization: `Bearer ${conversation.token}`, 'last-event-id': greetingId },
      signal: resumeController.signal,
    });
    const resumedReader = resumed.body!.getReader();
    let replayed = '';
    while (!replayed.includes(body.replies[0]!.id)) replayed += new TextDecoder().decode((await resumedReader.read()).value);
    expect(replayed).not.toContain(greetingId);
    resumeController.abort();
  });
});

describe('web chat: exactly one turn per message', () => {
  let server: WebServer;
  beforeAll(async () => (server = await startWebServer({ flowsDirectory: counterFlows, env: { FRONTDESK_WEB_RATE_LIMIT: '0' } })));
  afterAll(() => server.close());

  test('the same clientMessageId sent again returns the same replies and runs no second turn', async () => {
    const conversation = await openWebConversation(server.url);
    const first = await postWebMessage(server.url, conversation, 'hello', 'client-1');
    const again = await postWebMessage(server.url, conversation, 'hello', 'client-1');
    expect(first.body.replies.map((reply) => reply.text)).toEqual(['#1 hello']);
    expect(again.body.isDuplicate).toBe(true);
    expect(again.body.replies).toEqual(first.body.replies);
    const next = await postWebMessage(server.url, conversation, 'next', 'client-2');
    expect(next.body.replies.map((reply) => reply.text)).toEqual(['#2 next']);
  });

  test('ten concurrent copies of one message run exactly one turn and all get the same replies', async () => {
    const conversation = await openWebConversation(server.url);
    const copies = await Promise.all(Array.from({ length: 10 }, () => postWebMessage(server.url, conversation, 'same', 'client-x')));
    expect(copies.every((copy) => copy.status === 200)).toBe(true);
    expect(copies.filter((copy) => !copy.body.isDuplicate)).toHaveLength(1);
    expect(new Set(copies.map((copy) => JSON.stringify(copy.body.replies))).size).toBe(1);
    expect(copies[0]!.body.replies.map((reply) => reply.text)).toEqual(['#1 same']);
    const transcript = await readTranscript(server.url, conversation);
    expect(transcript.map((message) => message.text)).toEqual(['same', '#1 same']);
  });

  test('two browsers may use the same clientMessageId in their own conversations', async () => {
    const [first, second] = [await openWebConversation(server.url), await openWebConversation(server.url)];
    expect((await postWebMessage(server.url, first, 'a', '1')).body.replies[0]!.text).toBe('#1 a');
    expect((await postWebMessage(server.url, second, 'b', '1')).body.replies[0]!.text).toBe('#1 b');
  });

  test('50 conversations × 20 messages in parallel: every transcript complete, in order, nothing doubled', async () => {
    const conversations = await Promise.all(Array.from({ length: 50 }, () => openWebConversation(server.url)));
    await Promise.all(
      conversations.map(async (conversation, index) => {
        for (let message = 1; message <= 20; message++) {
          const { status } = await postWebMessage(server.url, conversation, `c${index} m${message}`);
          expect(status).toBe(200);
        }
      }),
    );
    for (const [index, conversation] of conversations.entries()) {
      const transcript = await readTranscript(server.url, conversation);
      const expected = Array.from({ length: 20 }, (_, message) => [`c${index} m${message + 1}`, `#${message + 1} c${index} m${message + 1}`]).flat();
      expect(transcript.map((message) => message.text)).toEqual(expected);
    }
  });
});

describe('web chat: rate limit', () => {
  let server: WebServer;
  beforeAll(async () => (server = await startWebServer({ flowsDirectory: counterFlows, env: { FRONTDESK_WEB_RATE_LIMIT: '5' } })));
  afterAll(() => server.close());

  test('the message past the per-minute limit gets 429 with Retry-After, and other conversations are unaffected', async () => {
    const conversation = await openWebConversation(server.url);
    for (let index = 0; index < 5; index++) expect((await postWebMessage(server.url, conversation, `m${index}`)).status).toBe(200);
    const limited = await postWebMessage(server.url, conversation, 'one too many');
    expect(limited.status).toBe(429);
    expect(limited.body.error!.code).toBe('rate_limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const other = await openWebConversation(server.url);
    expect((await postWebMessage(server.url, other, 'hi', randomUUID())).status).toBe(200);
    // The refused message ran no turn: the next allowed one is still #6.
    const transcript = await readTranscript(server.url, conversation);
    expect(transcript.filter((message) => message.role === 'bot').map((message) => message.text)).toHaveLength(5);
  });
});

describe('web chat: embedding on another site (CORS)', () => {
  let server: WebServer;
  beforeAll(async () => (server = await startWebServer({ env: { FRONTDESK_WEB_ALLOWED_ORIGINS: 'https://shop.example' } })));
  afterAll(() => server.close());

  test('a preflight from an allowed origin is answered, from any other origin it gets no CORS headers', async () => {
    const preflight = (origin: string) => fetch(`${server.url}/api/web/conversations/c_x/messages`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' } });
    const allowed = await preflight('https://shop.example');
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(allowed.headers.get('access-control-allow-headers')).toMatch(/authorization/);
    const other = await preflight('https://evil.test');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    expect(other.headers.get('access-control-allow-credentials')).toBeNull();
  });

  test('responses to an allowed origin carry the header, errors included, and expose Retry-After', async () => {
    const opened = await fetch(`${server.url}/api/web/conversations`, { method: 'POST', headers: { 'content-type': 'application/json', origin: 'https://shop.example' }, body: '{}' });
    expect(opened.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    const notFound = await fetch(`${server.url}/api/web/conversations/c_nope/messages`, { headers: { origin: 'https://shop.example' } });
    expect(notFound.status).toBe(404);
    expect(notFound.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(notFound.headers.get('access-control-expose-headers')).toBe('Retry-After');
    const foreign = await fetch(`${server.url}/api/web/conversations`, { method: 'POST', headers: { 'content-type': 'application/json', origin: 'https://evil.test' }, body: '{}' });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });
});
