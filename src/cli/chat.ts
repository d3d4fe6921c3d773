import { createInterface } from 'node:readline/promises';
import { randomUUID } from 'node:crypto';
import { createId } from '../ids.js';
import { createFrontdesk } from '../app.js';
import type { ChannelAdapter } from '../channel.js';
import { createLogger } from '../logger.js';
import type { Message } from '../message.js';
import type { Boot } from './boot.js';

const printMessage = (message: Message) => {
  const who = message.role === 'agent' ? 'staff' : 'bot';
  console.log(`\n${who}> ${message.text}`);
  if (message.quickReplies?.length) console.log(message.quickReplies.map((quickReply, index) => `  ${index + 1}. ${quickReply.label}`).join('\n'));
  if (message.citations?.length) console.log(`  (source: ${message.citations.map((citation) => citation.heading ?? citation.source).join(', ')})`);
};

/**
 * `npm run chat`: talk to the bot in the terminal through the same runtime, store and flows as the server, as a
 * web-channel conversation whose messages print here instead of going to a browser.
 */
export async function runTerminalChat({ rootDirectory, config, flows, services, classify }: Boot): Promise<void> {
  const terminal: ChannelAdapter = { channel: 'web', mount: () => undefined, send: async () => ({}) };
  const app = await createFrontdesk({ config, flows, rootDirectory, services, classify, adapters: [terminal], serveHttp: false, logger: createLogger({ level: 'warn' }) });
  await app.start();
  const conversationId = createId('c');
  const opened = await app.gateway.openConversation({ conversationId, channel: 'web', conversationKey: conversationId, customerKey: `terminal:${process.env.USER ?? 'you'}` });
  (await opened.replies).forEach(printMessage);
  let lastQuickReplies = (await opened.replies).at(-1)?.quickReplies ?? [];
  const readline = createInterface({ input: process.stdin, output: process.stdout });
  console.log('\n(Type a message. A number picks a listed choice. Ctrl+D or "exit" quits.)');
  try {
    for (;;) {
      let text: string;
      try {
        text = (await readline.question('\nyou> ')).trim();
      } catch {
        break;
      }
      if (text === 'exit' || text === 'quit') break;
      if (!text) continue;
      const choice = /^\d+$/.test(text) ? lastQuickReplies[Number(text) - 1] : undefined;
      const received = await app.gateway.receive({ channel: 'web', externalId: `${conversationId}:${randomUUID()}`, conversationKey: conversationId, customerKey: conversationId, text: choice?.value ?? text });
      const replies = await received.replies;
      replies.forEach(printMessage);
      lastQuickReplies = replies.at(-1)?.quickReplies ?? [];
    }
  } finally {
    readline.close();
    await app.stop();
  }
}
