import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, expect, test } from 'vitest';
import { projectRoot } from '../helpers/start-test-chat.js';
import { freePort, startServerProcess, type ServerProcess } from '../helpers/server-process.js';
import { openWebConversation, type WebConversation } from '../helpers/web-client.js';

const dataDirectory = mkdtempSync(join(tmpdir(), 'frontdesk-crash-'));
afterAll(() => rmSync(dataDirectory, { recursive: true, force: true }));

/** Seeded, so a failing run can be repeated exactly. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('SIGKILL at random moments while messages stream in loses nothing and answers nothing twice', async () => {
  const port = await freePort();
  const env = { FRONTDESK_DATA_DIR: dataDirectory, FRONTDESK_FLOWS_DIR: join(projectRoot, 'test/fixtures/counter-flows'), FRONTDESK_WEB_RATE_LIMIT: '0' };
  let server: ServerProcess = await startServerProcess({ port, env });
  const conversations: WebConversation[] = await Promise.all(Array.from({ length: 8 }, () => openWebConversation(server.url)));
  const messagesPerConversation = 40;
  const next = random(20261123);
  let isDone = false;
  let kills = 0;
  let failedAttempts = 0;
  const answers = new Map<string, string[]>();

  // Each customer sends its messages in order and, like a real client, retries one until it gets an answer,
  // always with the same clientMessageId.
  const customers = conversations.map(async (conversation, index) => {
    for (let number = 1; number <= messagesPerConversation; number++) {
      const clientMessageId = `c${index}-m${number}`;
      for (;;) {
        try {
          const response = await fetch(`${server.url}/api/web/conversations/${conversation.conversationId}/messages`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${conversation.token}` },
            body: JSON.stringify({ text: `m${number}`, clientMessageId }),
            signal: AbortSignal.timeout(5000),
          });
          if (response.status === 200) {
            const body = (await response.json()) as { replies: Array<{ text: string }> };
            answers.set(clientMessageId, body.replies.map((reply) => reply.text));
            break;
          }
          failedAttempts++;
        } catch {
          failedAttempts++;
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  });

  // Kill points spread over the run by progress (not wall time, which varies by machine), each a random few
  // milliseconds after a progress mark so it lands anywhere in a turn: before the journal commit, mid-turn, after the
  // commit but before the response, or before the delivery mark.
  const total = conversations.length * messagesPerConversation;
  const killPoints = Array.from({ length: 6 }, (_, index) => Math.floor(((index + next() * 0.8 + 0.1) / 6) * total * 0.9)).sort((a, b) => a - b);
  const killer = (async () => {
    for (const point of killPoints) {
      while (!isDone && answers.size < point) await new Promise((resolve) => setTimeout(resolve, 2));
      if (isDone) break;
      await new Promise((resolve) => setTimeout(resolve, next() * 8));
      await server.kill('SIGKILL');
      kills++;
      server = await startServerProcess({ port, env });
    }
  })();

  await Promise.all(customers);
  isDone = true;
  await killer;
  // One last kill and restart: whatever was committed but not yet marked delivered must go out now.
  await server.kill('SIGKILL');
  server = await startServerProcess({ port, env });
  await new Promise((resolve) => setTimeout(resolve, 500));
  await server.kill('SIGTERM');

  expect(kills).toBeGreaterThanOrEqual(3);
  // Every customer got the right answer to every message: the counter proves state survived each crash.
  for (const [index] of conversations.entries()) {
    for (let number = 1; number <= messagesPerConversation; number++) expect(answers.get(`c${index}-m${number}`)).toEqual([`#${number} m${number}`]);
  }
  const db = new Database(join(dataDirectory, 'frontdesk.db'), { readonly: true });
  try {
    for (const conversation of conversations) {
      const transcript = db.prepare<[string], { text: string }>("SELECT json_extract(body, '$.text') AS text FROM items WHERE conversation_id = ? AND kind = 'message' ORDER BY seq").all(conversation.conversationId).map((row) => row.text);
      const expected = Array.from({ length: messagesPerConversation }, (_, index) => [`m${index + 1}`, `#${index + 1} m${index + 1}`]).flat();
      expect(transcript).toEqual(expected);
    }
    expect(db.prepare("SELECT count(*) AS count FROM items WHERE direction = 'in' AND status != 'processed'").get()).toEqual({ count: 0 });
    expect(db.prepare("SELECT count(*) AS count FROM items WHERE direction = 'in' AND kind = 'message'").get()).toEqual({ count: conversations.length * messagesPerConversation });
    // Exactly one reply per message, and every reply delivered.
    expect(db.prepare('SELECT count(*) AS count FROM (SELECT reply_to, count(*) AS replies FROM items WHERE direction = \'out\' GROUP BY reply_to HAVING replies != 1)').get()).toEqual({ count: 0 });
    expect(db.prepare("SELECT status, count(*) AS count FROM items WHERE direction = 'out' GROUP BY status").all()).toEqual([{ status: 'delivered', count: conversations.length * messagesPerConversation }]);
  } finally {
    db.close();
  }
  console.log(`crash test: ${kills + 1} SIGKILLs, ${failedAttempts} client attempts refused or cut off and retried, ${answers.size} messages answered once each`);
}, 180_000);
