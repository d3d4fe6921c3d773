import type { ServerResponse } from 'node:http';
import type { Message } from '../../src/index.js';

/** Server-sent-event subscribers per conversation: how staff replies and late bot messages reach an open page. */
export function createEventHub() {
  const subscribers = new Map<string, Set<ServerResponse>>();
  const write = (response: ServerResponse, message: Message) => response.write(`id: ${message.id}\nevent: message\ndata: ${JSON.stringify(message)}\n\n`);
  return {
    subscribe(conversationId: string, response: ServerResponse, backlog: Message[]) {
      let set = subscribers.get(conversationId);
      if (!set) subscribers.set(conversationId, (set = new Set()));
      set.add(response);
      for (const message of backlog) write(response, message);
      // Proxies close idle streams; a comment line every 25 s keeps it open without waking the client.
      const heartbeat = setInterval(() => response.write(': keep-alive\n\n'), 25_000);
      heartbeat.unref();
      response.on('close', () => {
        clearInterval(heartbeat);
        set.delete(response);
        if (set.size === 0) subscribers.delete(conversationId);
      });
    },
    publish(message: Message) {
      for (const response of subscribers.get(message.conversationId) ?? []) write(response, message);
    },
    subscriberCount: (conversationId: string) => subscribers.get(conversationId)?.size ?? 0,
    closeAll() {
      for (const set of subscribers.values()) for (const response of set) response.end();
      subscribers.clear();
    },
  };
}
