// The ceiling for bench:web: bare node:http that reads and parses the same JSON body and answers a fixed reply of
// the same shape. Nothing Frontdesk-specific runs here, so the ratio shows what the full turn costs.
import { createServer } from 'node:http';

const reply = JSON.stringify({ messageId: 'm_fixed', isDuplicate: false, replies: [{ id: 'm_reply', conversationId: 'c_fixed', channel: 'web', role: 'bot', text: 'Hi there! I am the automated assistant.', createdAt: new Date(0).toISOString() }] });
const server = createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    if (typeof body.text !== 'string') {
      response.writeHead(400).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(reply);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.argv[2]), '127.0.0.1', () => console.log('Frontdesk is serving (bare ceiling)'));
