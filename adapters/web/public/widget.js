/*! Frontdesk chat widget (MIT). Embed: <script src="https://YOUR-FRONTDESK-HOST/widget.js" defer></script> */
// Safety rule for this file: every piece of text from the server (customer, bot, knowledge, LLM or staff) reaches
// the page through textContent or createTextNode, never innerHTML; links must parse as http(s) URLs. Nothing here
// renders Markdown, so `[x](javascript:…)` and `![i](https://…)` stay plain text.
(() => {
  'use strict';
  const script = document.currentScript;
  if (!script || window.FrontdeskWidget) return;

  // The API lives where this script came from, so one tag works on any site.
  const api = new URL(script.src, location.href).origin;
  const options = script.dataset;
  const title = options.title || 'Chat with us';
  const subtitle = options.subtitle || 'Automated assistant · type "agent" for a person';
  const currency = /^[A-Z]{3}$/.test(options.currency || '') ? options.currency : 'USD';
  const storageKey = `frontdesk:${api}`;
  const ICONS = {
    chat: 'M4 5h16v11H9l-5 4z',
    close: 'M6 6l12 12M18 6 6 18',
    send: 'M4 12 20 4l-6 16-2.5-6.5z',
  };

  const el = (tag, className, text) => {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = String(text);
    return node;
  };
  const icon = (name) => {
    const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    const path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    svg.setAttribute('class', `fd-icon fd-icon--${name}`);
    path.setAttribute('d', ICONS[name]);
    svg.append(path);
    return svg;
  };
  const button = (className, label, child) => {
    const node = el('button', className);
    node.type = 'button';
    if (label) node.setAttribute('aria-label', label);
    if (child) node.append(child);
    return node;
  };
  /** Only absolute http(s) URLs without credentials: no javascript:, data:, or `https://shop.example@evil.test`. */
  const safeUrl = (value) => {
    try {
      const url = new URL(String(value));
      return /^https?:$/.test(url.protocol) && !url.username && !url.password ? url : null;
    } catch {
      return null;
    }
  };
  const uuid = () => (crypto.randomUUID ? crypto.randomUUID() : Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join(''));
  const sleep = (milliseconds) => new Promise((resolve) => setTimeout(resolve, milliseconds));
  const list = (value) => (Array.isArray(value) ? value : []);
  const isText = (value) => typeof value === 'string' && value.trim() !== '';
  // Storage can throw (blocked cookies, private mode); the chat still works, it just forgets on reload.
  const storage = {
    load() {
      try {
        const value = JSON.parse(localStorage.getItem(storageKey));
        return value && isText(value.conversationId) && isText(value.token) ? value : null;
      } catch {
        return null;
      }
    },
    save(value) {
      try {
        if (value) localStorage.setItem(storageKey, JSON.stringify(value));
        else localStorage.removeItem(storageKey);
      } catch {}
    },
  };

  // ---- The DOM, inside a shadow root so host-page CSS and ours never meet. ----
  const host = el('frontdesk-chat');
  for (const [attribute, property] of [['accent', '--frontdesk-accent'], ['accentText', '--frontdesk-accent-text']]) {
    if (options[attribute] && CSS.supports('color', options[attribute])) host.style.setProperty(property, options[attribute]);
  }
  const root = host.attachShadow({ mode: 'open' });
  const stylesheet = el('link');
  stylesheet.rel = 'stylesheet';
  stylesheet.href = `${api}/widget.css`;
  const frame = el('div', `fd${options.position === 'left' ? ' fd--left' : ''}`);
  // Hidden until the stylesheet arrives, so the page never shows an unstyled flash.
  frame.hidden = true;
  stylesheet.addEventListener('load', () => (frame.hidden = false));
  stylesheet.addEventListener('error', () => console.warn(`Frontdesk widget: could not load ${stylesheet.href}. If this page has a Content-Security-Policy, allow ${api} in style-src, script-src and connect-src.`));

  const bubble = button('fd-bubble', 'Open chat', icon('chat'));
  const badge = el('span', 'fd-badge');
  badge.hidden = true;
  badge.setAttribute('aria-hidden', 'true');
  bubble.append(icon('close'), badge);
  bubble.setAttribute('aria-controls', 'fd-panel');
  bubble.setAttribute('aria-expanded', 'false');

  const panel = el('section', 'fd-panel');
  panel.id = 'fd-panel';
  panel.hidden = true;
  panel.setAttribute('role', 'dialog');
  panel.setAttribute('aria-labelledby', 'fd-title');
  panel.setAttribute('aria-describedby', 'fd-status');
  const header = el('header', 'fd-head');
  const avatar = el('span', 'fd-avatar');
  avatar.append(icon('chat'));
  const titles = el('div', 'fd-titles');
  const heading = el('h2', 'fd-title', title);
  heading.id = 'fd-title';
  const status = el('p', 'fd-status', subtitle);
  status.id = 'fd-status';
  titles.append(heading, status);
  const closeButton = button('fd-close', 'Close chat', icon('close'));
  header.append(avatar, titles, closeButton);

  const log = el('div', 'fd-log');
  log.setAttribute('role', 'log');
  log.setAttribute('aria-live', 'polite');
  log.setAttribute('aria-label', 'Messages');
  log.tabIndex = 0;
  const typing = el('div', 'fd-typing');
  typing.setAttribute('role', 'status');
  const dots = el('span', 'fd-dots');
  dots.setAttribute('aria-hidden', 'true');
  dots.append(el('span'), el('span'), el('span'));
  const typingText = el('span', 'fd-sr');
  typing.append(dots, typingText);
  typing.hidden = true;

  const form = el('form', 'fd-form');
  const label = el('label', 'fd-sr', 'Your message');
  label.htmlFor = 'fd-input';
  const input = el('input', 'fd-input');
  Object.assign(input, { id: 'fd-input', type: 'text', maxLength: 4000, autocomplete: 'off', placeholder: 'Type your message…', enterKeyHint: 'send' });
  const sendButton = button('fd-send', 'Send', icon('send'));
  sendButton.type = 'submit';
  form.append(label, input, sendButton);
  panel.append(header, log, typing, form);
  frame.append(bubble, panel);
  root.append(stylesheet, frame);
  // With `defer` the body exists; with `async` in <head> it may not yet.
  if (document.body) document.body.append(host);
  else document.addEventListener('DOMContentLoaded', () => document.body.append(host));

  // ---- Conversation state ----
  let session = storage.load();
  let starting = null;
  let events = null;
  let lastEventId = null;
  let retryDelay = 1000;
  const seen = new Set();
  let speaker = null; // who spoke last: 'bot' or 'agent', for the handoff lines
  let agentName = null;
  let lastSender = null;
  let waiting = 0;
  let replied = false;
  let unread = 0;

  const isOpen = () => !panel.hidden;
  const fullScreen = matchMedia('(max-width: 480px)');
  const conversationPath = () => `/api/web/conversations/${encodeURIComponent(session.conversationId)}`;

  async function request(path, init = {}) {
    const headers = {};
    if (init.body) headers['content-type'] = 'application/json';
    if (session) headers.authorization = `Bearer ${session.token}`;
    // No cookies: the bearer token is the only credential, which keeps cross-origin embedding simple.
    const response = await fetch(api + path, { ...init, headers, credentials: 'omit' });
    let body = null;
    try {
      body = await response.json();
    } catch {}
    return { status: response.status, ok: response.ok, body };
  }

  function saveSession() {
    if (session) storage.save({ conversationId: session.conversationId, token: session.token, open: isOpen() });
  }

  function forget() {
    session = null;
    storage.save(null);
    if (events) events.close();
    events = null;
    lastEventId = null;
  }

  /** Resumes the stored conversation or opens a new one, once; callers share the same promise. */
  function ready() {
    if (!starting) starting = begin().catch((error) => ((starting = null), Promise.reject(error)));
    return starting;
  }

  async function begin() {
    if (session && !(await loadTranscript())) forget();
    if (!session) {
      showTyping(1);
      try {
        const created = await request('/api/web/conversations', { method: 'POST', body: '{}' });
        if (created.status !== 201 || !created.body) throw new Error(created.body?.error?.message || `status ${created.status}`);
        session = { conversationId: created.body.conversationId, token: created.body.token };
        saveSession();
        // Subscribe first, then read: the greeting is either already in the transcript or arrives as an event.
        await listen();
        await loadTranscript();
      } finally {
        showTyping(-1);
      }
    } else {
      listen();
    }
  }

  async function loadTranscript() {
    const result = await request(`${conversationPath()}/messages`);
    if (result.status === 404) return false;
    if (!result.ok) throw new Error(result.body?.error?.message || `status ${result.status}`);
    for (const message of list(result.body?.messages)) receive(message, false);
    return true;
  }

  /** Server-sent events bring staff replies and anything another tab caused; resolves once connected (or 3 s). */
  function listen() {
    if (events) events.close();
    const query = new URLSearchParams({ token: session.token });
    // After a reload or a hard failure, ask the server to replay whatever came after the last message we have.
    if (lastEventId) query.set('after', lastEventId);
    const source = (events = new EventSource(`${api}${conversationPath()}/events?${query}`));
    source.addEventListener('message', (event) => {
      try {
        receive(JSON.parse(event.data), true);
      } catch {}
    });
    source.addEventListener('open', () => (retryDelay = 1000));
    source.addEventListener('error', () => {
      // The browser retries by itself (with Last-Event-ID) unless the stream is closed for good.
      if (source.readyState !== EventSource.CLOSED || events !== source) return;
      events = null;
      setTimeout(() => session && !events && listen(), retryDelay);
      retryDelay = Math.min(retryDelay * 2, 30_000);
    });
    return new Promise((resolve) => {
      source.addEventListener('open', resolve, { once: true });
      source.addEventListener('error', resolve, { once: true });
      setTimeout(resolve, 3000);
    });
  }

  function receive(message, isLive) {
    if (!message || !isText(message.id) || seen.has(message.id)) return;
    seen.add(message.id);
    lastEventId = message.id;
    if (message.role !== 'customer') showTyping(0);
    render(message);
    if (isLive && !isOpen() && (message.role === 'bot' || message.role === 'agent')) {
      unread++;
      updateBubble();
    }
  }

  // ---- Rendering ----
  function scrollDown() {
    log.scrollTop = log.scrollHeight;
  }

  /** A centred status line in the log (handoff changes, errors); screen readers hear it through the live log. */
  function note(text) {
    log.append(el('p', 'fd-note', text));
    lastSender = null;
    scrollDown();
  }

  function clearChoices() {
    for (const group of log.querySelectorAll('.fd-choices')) group.remove();
  }

  function render(message) {
    const role = ['customer', 'bot', 'agent', 'system'].includes(message.role) ? message.role : 'system';
    const text = typeof message.text === 'string' ? message.text : '';
    if (role === 'system') return text && note(text);
    if (role === 'agent') {
      const name = isText(message.senderName) ? message.senderName.trim().slice(0, 60) : 'a member of our team';
      if (speaker !== 'agent' || name !== agentName) {
        agentName = name;
        status.textContent = `You're chatting with ${name}`;
        note(`You're chatting with ${name}`);
      }
    }
    if (role === 'bot' && speaker === 'agent') {
      agentName = null;
      status.textContent = subtitle;
      note("You're back with the automated assistant");
    }
    if (role !== 'customer') speaker = role;
    clearChoices();

    const item = el('div', `fd-msg fd-msg--${role}`);
    const sender = role === 'customer' ? 'You' : role === 'agent' ? (isText(message.senderName) ? agentName : 'Staff') : 'Assistant';
    // The name shows when the speaker changes; screen readers always hear it.
    item.append(el('span', sender === lastSender || role === 'customer' ? 'fd-sr' : 'fd-who', `${sender}:`));
    lastSender = sender;
    item.append(el('p', 'fd-text', text));

    const cards = list(message.cards).filter((card) => card && isText(card.name));
    if (cards.length) {
      const group = el('ul', 'fd-cards');
      group.setAttribute('aria-label', 'Products');
      for (const card of cards.slice(0, 10)) group.append(renderCard(card));
      item.append(group);
    }
    const sources = [...new Set(list(message.citations).map((citation) => citation && (citation.heading || citation.source)).filter(isText))];
    if (sources.length) item.append(el('p', 'fd-source', `Source: ${sources.join(', ')}`));
    const replies = list(message.quickReplies).filter((reply) => reply && isText(reply.label) && isText(reply.value));
    if (replies.length) item.append(isRating(replies) ? renderStars(replies) : renderChoices(replies));
    log.append(item);
    scrollDown();
    return item;
  }

  function renderCard(card) {
    const item = el('li', 'fd-card');
    const image = safeUrl(card.imageUrl);
    if (image && (image.protocol === 'https:' || image.origin === api)) {
      const picture = el('img', 'fd-card__img');
      Object.assign(picture, { alt: '', loading: 'lazy', decoding: 'async', referrerPolicy: 'no-referrer' });
      picture.addEventListener('error', () => picture.remove());
      picture.src = image.href;
      item.append(picture);
    }
    const body = el('div', 'fd-card__body');
    body.append(el('p', 'fd-card__name', card.name));
    if (typeof card.price === 'number' && Number.isFinite(card.price)) body.append(el('p', 'fd-card__price', price(card.price, card.currency)));
    if (isText(card.reason)) body.append(el('p', 'fd-card__reason', card.reason));
    const url = safeUrl(card.url);
    if (url) {
      const link = el('a', 'fd-card__link', 'View product');
      link.href = url.href;
      link.target = '_blank';
      link.rel = 'noopener noreferrer';
      // The host as the URL parser sees it (punycode), so a look-alike domain cannot pass as the shop's.
      link.append(el('span', 'fd-card__host', ` · ${url.hostname}`), el('span', 'fd-sr', ' (opens in a new tab)'));
      body.append(link);
    }
    item.append(body);
    return item;
  }

  function price(amount, code) {
    try {
      return new Intl.NumberFormat(document.documentElement.lang || undefined, { style: 'currency', currency: /^[A-Z]{3}$/.test(code || '') ? code : currency }).format(amount);
    } catch {
      return amount.toFixed(2);
    }
  }

  function renderChoices(replies) {
    const group = el('div', 'fd-choices');
    group.setAttribute('role', 'group');
    group.setAttribute('aria-label', 'Suggested replies');
    for (const reply of replies.slice(0, 8)) {
      const choice = button('fd-choice', null, null);
      choice.textContent = reply.label;
      choice.addEventListener('click', () => send(reply.value));
      group.append(choice);
    }
    return group;
  }

  /** The bot asking for a 1-5 score: five quick replies valued exactly "1".."5". */
  const isRating = (replies) => replies.length === 5 && replies.map((reply) => reply.value).sort().join() === '1,2,3,4,5';

  function renderStars(replies) {
    const group = el('div', 'fd-choices fd-stars');
    group.setAttribute('role', 'group');
    group.setAttribute('aria-label', 'Rate from 1 to 5 stars');
    for (const reply of [...replies].sort((a, b) => a.value - b.value)) {
      const star = button('fd-star', `${reply.value} star${reply.value === '1' ? '' : 's'}`, null);
      star.title = reply.label;
      star.append(el('span', null, '★'));
      star.firstChild.setAttribute('aria-hidden', 'true');
      star.addEventListener('click', () => send(reply.value));
      group.append(star);
    }
    return group;
  }

  /** +1 when a request starts, -1 when it ends, 0 when a reply arrives (the dots stop even if the request lingers). */
  function showTyping(delta) {
    if (delta > 0) replied = false;
    if (delta === 0) replied = true;
    waiting = Math.max(0, waiting + delta);
    typing.hidden = waiting === 0 || replied;
    typingText.textContent = typing.hidden ? '' : 'The assistant is typing…';
    if (!typing.hidden) scrollDown();
  }

  function updateBubble() {
    badge.hidden = unread === 0 || isOpen();
    badge.textContent = String(unread);
    bubble.setAttribute('aria-label', isOpen() ? 'Close chat' : unread ? `Open chat (${unread} new message${unread === 1 ? '' : 's'})` : 'Open chat');
  }

  // ---- Sending ----
  async function send(value) {
    const text = String(value).trim().slice(0, 4000);
    if (!text) return;
    clearChoices();
    const clientMessageId = uuid();
    const item = render({ id: `local-${clientMessageId}`, role: 'customer', text });
    await deliver(item, text, clientMessageId);
  }

  async function deliver(item, text, clientMessageId) {
    item.classList.remove('fd-msg--failed');
    item.querySelector('.fd-retry')?.remove();
    showTyping(1);
    try {
      await ready();
      for (let attempt = 1; ; attempt++) {
        // Retrying with the same clientMessageId is safe: the server runs one turn per id.
        const result = await request(`${conversationPath()}/messages`, { method: 'POST', body: JSON.stringify({ text, clientMessageId }) }).catch(() => ({ status: 0 }));
        if (result.ok) {
          seen.add(result.body.messageId);
          for (const reply of list(result.body.replies)) receive(reply, false);
          return;
        }
        if (result.status === 404) {
          // The conversation is gone (expired token, wiped data): start afresh on the next try.
          forget();
          starting = null;
          throw new Error('This conversation has ended. Press Retry to start a new one.');
        }
        if ((result.status === 0 || result.status >= 500) && attempt < 3) {
          await sleep(700 * attempt);
          continue;
        }
        throw new Error(result.body?.error?.message || "We couldn't reach the chat. Check your connection and try again.");
      }
    } catch (error) {
      item.classList.add('fd-msg--failed');
      const retry = button('fd-retry', null, null);
      retry.textContent = 'Not sent. Retry';
      retry.addEventListener('click', () => deliver(item, text, clientMessageId));
      item.append(retry);
      note(error instanceof Error ? error.message : String(error));
    } finally {
      showTyping(-1);
    }
  }

  // ---- Opening, closing, keyboard ----
  function setOpen(open, moveFocus = true) {
    panel.hidden = !open;
    panel.setAttribute('aria-modal', String(fullScreen.matches));
    frame.classList.toggle('fd--open', open);
    bubble.setAttribute('aria-expanded', String(open));
    if (open) unread = 0;
    updateBubble();
    saveSession();
    if (open) {
      scrollDown();
      if (moveFocus) input.focus();
      ready().catch((error) => note(`We couldn't start the chat (${error.message}). Please try again in a moment.`));
    } else if (moveFocus) {
      bubble.focus();
    }
  }

  bubble.addEventListener('click', () => setOpen(!isOpen()));
  closeButton.addEventListener('click', () => setOpen(false));
  frame.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && isOpen()) {
      event.stopPropagation();
      setOpen(false);
    }
    // Full screen on a phone the panel is modal: Tab wraps from Send to Close and back instead of leaving it.
    if (event.key === 'Tab' && isOpen() && fullScreen.matches) {
      const [edge, next] = event.shiftKey ? [closeButton, sendButton] : [sendButton, closeButton];
      if (root.activeElement === edge) {
        event.preventDefault();
        next.focus();
      }
    }
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = input.value;
    if (!text.trim()) return;
    input.value = '';
    send(text);
  });
  // Any element on the host page with data-frontdesk-open (a "Chat with us" link) opens the panel.
  document.addEventListener('click', (event) => {
    const opener = event.target instanceof Element && event.target.closest('[data-frontdesk-open]');
    if (!opener) return;
    event.preventDefault();
    setOpen(true);
  });

  window.FrontdeskWidget = { open: () => setOpen(true), close: () => setOpen(false) };

  // A returning visitor: restore the transcript and listen for staff replies, reopening the panel if it was open.
  if (session) {
    const wasOpen = session.open === true;
    ready().catch(() => {});
    if (wasOpen) setOpen(true, false);
  }
})();
