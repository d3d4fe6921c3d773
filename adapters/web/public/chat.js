// The plain chat page: every piece of text goes through textContent, never innerHTML, so nothing a customer,
// the knowledge base or a staff member writes can become markup.
(() => {
  const storageKey = 'frontdesk.conversation';
  const log = document.getElementById('log');
  const form = document.getElementById('form');
  const input = document.getElementById('text');
  const seen = new Set();
  let session = JSON.parse(localStorage.getItem(storageKey) || 'null');

  const api = (path, options = {}) =>
    fetch(path, { ...options, headers: { 'content-type': 'application/json', ...(session ? { authorization: `Bearer ${session.token}` } : {}), ...options.headers } });

  function render(message) {
    if (seen.has(message.id)) return;
    seen.add(message.id);
    const item = document.createElement('li');
    item.className = `message message--${message.role}`;
    const who = document.createElement('span');
    who.className = 'message__who';
    who.textContent = message.role === 'customer' ? 'You' : message.role === 'agent' ? 'Staff' : 'Assistant';
    item.append(who, document.createTextNode(message.text));
    if (message.citations && message.citations.length) {
      const sources = document.createElement('span');
      sources.className = 'message__sources';
      sources.textContent = `Source: ${message.citations.map((c) => c.heading || c.source).join(', ')}`;
      item.append(sources);
    }
    if (message.quickReplies && message.quickReplies.length) {
      const buttons = document.createElement('div');
      buttons.className = 'quick-replies';
      for (const quickReply of message.quickReplies) {
        const button = document.createElement('button');
        button.type = 'button';
        button.textContent = quickReply.label;
        button.addEventListener('click', () => send(quickReply.value));
        buttons.append(button);
      }
      item.append(buttons);
    }
    log.append(item);
    log.scrollTop = log.scrollHeight;
  }

  async function start() {
    if (session) {
      const response = await api(`/api/web/conversations/${session.conversationId}/messages`);
      if (response.ok) {
        (await response.json()).messages.forEach(render);
      } else {
        session = null;
      }
    }
    if (!session) {
      const response = await api('/api/web/conversations', { method: 'POST', body: '{}' });
      session = await response.json();
      localStorage.setItem(storageKey, JSON.stringify(session));
    }
    const events = new EventSource(`/api/web/conversations/${session.conversationId}/events?token=${encodeURIComponent(session.token)}`);
    events.addEventListener('message', (event) => render(JSON.parse(event.data)));
  }

  async function send(text) {
    const clientMessageId = crypto.randomUUID();
    render({ id: `local-${clientMessageId}`, role: 'customer', text });
    const response = await api(`/api/web/conversations/${session.conversationId}/messages`, { method: 'POST', body: JSON.stringify({ text, clientMessageId }) });
    const body = await response.json();
    if (!response.ok) return render({ id: `error-${clientMessageId}`, role: 'system', text: body.error ? body.error.message : 'Something went wrong.' });
    seen.add(body.messageId);
    body.replies.forEach(render);
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = '';
    send(text);
  });
  start();
})();
