import { randomUUID } from 'node:crypto';
import webChannel from '../../adapters/web/index.js';
import type { Message } from '../../src/index.js';
import { startTestApp, type TestApp } from './start-test-chat.js';

export interface WebServer extends TestApp {
  url: string;
}

/** The real server with the web channel on 127.0.0.1 and a random port. */
export async function startWebServer(options: { env?: Record<string, string>; flowsDirectory?: string; dataDirectory?: string } = {}): Promise<WebServer> {
  const testApp = await startTestApp({ serveHttp: true, channels: [webChannel], env: { FRONTDESK_HOST: '127.0.0.1', ...options.env }, flowsDirectory: options.flowsDirectory, dataDirectory: options.dataDirectory });
  const { url } = await testApp.app.start();
  return { ...testApp, url: url! };
}

export interface WebConversation {
  conversationId: string;
  token: string;
}

export async function openWebConversation(url: string, body: object = {}): Promise<WebConversation> {
  const response = await fetch(`${url}/api/web/conversations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (response.status !== 201) throw new Error(`opening a conversation answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as WebConversation;
}

export async function postWebMessage(url: string, conversation: WebConversation, text: string, clientMessageId: string = randomUUID()) {
  const response = await fetch(`${url}/api/web/conversations/${conversation.conversationId}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${conversation.token}` },
    body: JSON.stringify({ text, clientMessageId }),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as { replies: Message[]; messageId: string; isDuplicate: boolean; error?: { code: string; message: string } } };
}

export async function readTranscript(url: string, conversation: WebConversation): Promise<Message[]> {
  const response = await fetch(`${url}/api/web/conversations/${conversation.conversationId}/messages`, { headers: { authorization: `Bearer ${conversation.token}` } });
  return ((await response.json()) as { messages: Message[] }).messages;
}
