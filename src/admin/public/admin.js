// Frontdesk owner dashboard: plain JavaScript, no framework, no build step. Every piece of text from the server goes
// into the page through textContent or an attribute, never as markup (the CSP forbids innerHTML with Trusted Types
// anyway). Charts are SVG built with DOM calls, each with a table beside it for screen readers and for exact numbers.
(() => {
  'use strict';

  const TOKEN_KEY = 'frontdesk.adminToken';
  const SVG = 'http://www.w3.org/2000/svg';
  const CHANNEL_COLORS = { web: '#17613f', sms: '#2f6fb0', slack: '#8a4baf', teams: '#b35c00' };
  const CHANNEL_NAMES = { web: 'Web chat', sms: 'SMS', slack: 'Slack', teams: 'Teams' };
  const REASONS = { asked: 'Customer asked for a person', negativeSentiment: 'Customer was unhappy', repeatedMisses: 'Bot missed twice in a row', flowDecision: 'Bot offered a person', unknown: 'Other' };
  const STATES = { open: 'Open', withPerson: 'With a person', resolved: 'Resolved by staff', ended: 'Ended' };
  const EVENTS = { opened: 'Handed to a person', claimed: 'Claimed', reminder: 'Nobody claimed it yet: staff reminded', resolved: 'Handed back to the bot', feedback: 'Satisfaction score' };

  const $ = (id) => document.getElementById(id);
  const state = { token: '', days: 30, cursor: null, openConversation: null, isRevealed: false, overview: null };

  // ---------- DOM helpers ----------
  /** el('p', { class: 'x' }, 'text', child): attributes are set as attributes, strings become text nodes. */
  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) if (value !== undefined && value !== null && value !== false) node.setAttribute(name, value === true ? '' : String(value));
    for (const child of children.flat()) if (child !== undefined && child !== null && child !== false) node.append(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
    return node;
  }
  function svg(tag, attributes, ...children) {
    const node = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attributes || {})) if (value !== undefined && value !== null) node.setAttribute(name, String(value));
    for (const child of children.flat()) if (child !== undefined && child !== null) node.append(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
    return node;
  }
  const clear = (node) => node.replaceChildren();
  const say = (text, isError) => {
    const status = $('status');
    status.textContent = text;
    status.classList.toggle('status--error', Boolean(isError));
  };

  // ---------- formatting ----------
  const percent = (share) => (share === null || share === undefined ? '–' : `${Math.round(share * 100)}%`);
  const seconds = (ms) => (ms === null || ms === undefined ? '–' : ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${(ms / 60_000).toFixed(1)} min`);
  const dayLabel = (day) => new Date(`${day}T12:00:00Z`).toLocaleDateString(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });
  const timeLabel = (iso) => new Date(iso).toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
  const channelName = (channel) => CHANNEL_NAMES[channel] || channel;
  const channelColor = (channel, index) => CHANNEL_COLORS[channel] || ['#6b5b2e', '#555f9c', '#9c4a55'][index % 3];
  const plural = (count, one, many) => `${count} ${count === 1 ? one : many || `${one}s`}`;

  // ---------- API ----------
  async function api(path, options = {}) {
    const response = await fetch(path, {
      method: options.method || 'GET',
      headers: { authorization: `Bearer ${state.token}`, ...(options.body ? { 'content-type': 'application/json' } : {}) },
      body: options.body ? JSON.stringify(options.body) : undefined,
      cache: 'no-store',
    });
    let payload = null;
    try {
      payload = await response.json();
    } catch {
      payload = null;
    }
    if (!response.ok) {
      const error = new Error((payload && payload.error && payload.error.message) || `The server answered ${response.status}.`);
      error.status = response.status;
      throw error;
    }
    return payload;
  }

  // ---------- sign in ----------
  function showLogin(message) {
    $('dashboard').hidden = true;
    $('tools').hidden = true;
    $('transcript').hidden = true;
    $('login').hidden = false;
    $('login-error').textContent = message || '';
    $('token').focus();
  }

  async function signIn(token) {
    state.token = token;
    say('Loading…');
    try {
      await loadEverything();
      sessionStorage.setItem(TOKEN_KEY, token);
      $('login').hidden = true;
      $('dashboard').hidden = false;
      $('tools').hidden = false;
      renderOverview(state.overview); // again, now that the charts have a width to fit
      say('');
    } catch (error) {
      state.token = '';
      sessionStorage.removeItem(TOKEN_KEY);
      say('');
      if (error.status === 401) showLogin('That token was not accepted. Check FRONTDESK_ADMIN_TOKEN and try again.');
      else if (error.status === 403) showLogin(error.message);
      else showLogin(`The dashboard could not load: ${error.message}`);
    }
  }

  // ---------- overview ----------
  async function loadEverything() {
    const [overview, gaps] = await Promise.all([api(`/api/admin/overview?days=${state.days}`), api(`/api/admin/gaps?days=${state.days}`)]);
    state.overview = overview;
    renderOverview(overview);
    renderGaps(gaps);
    await loadConversations(true);
  }

  function kpi(label, value, detail, name) {
    return el('li', { class: 'kpi', 'data-kpi': name }, el('span', { class: 'kpi__label' }, label), el('span', { class: 'kpi__value' }, value), el('span', { class: 'kpi__detail' }, detail));
  }

  function renderOverview(overview) {
    $('period').textContent = `${dayLabel(overview.window.from)} – ${dayLabel(overview.window.to)}`;
    const kpis = $('kpis');
    clear(kpis);
    const nps = overview.nps.score === null ? '–' : `${overview.nps.score > 0 ? '+' : ''}${overview.nps.score}`;
    kpis.append(
      kpi('Conversations', String(overview.conversations), overview.channels.map((channel) => `${channelName(channel)} ${overview.perDay.reduce((sum, day) => sum + (day.byChannel[channel] || 0), 0)}`).join(' · ') || 'none yet', 'conversations'),
      kpi('Containment', percent(overview.containmentRate), `${overview.contained} resolved without a person`, 'containment'),
      kpi('Handoff rate', percent(overview.handoffRate), `${plural(overview.handedOff, 'conversation')} handed to a person`, 'handoff'),
      kpi('CSAT', overview.csat.mean === null ? '–' : `${overview.csat.mean.toFixed(1)} / 5`, `${plural(overview.csat.responses, 'rating')}${overview.csat.satisfiedShare === null ? '' : ` · ${percent(overview.csat.satisfiedShare)} satisfied`}`, 'csat'),
      kpi('NPS', nps, `${plural(overview.nps.responses, 'answer')} · ${overview.nps.promoters} promoters, ${overview.nps.detractors} detractors`, 'nps'),
      kpi('First response', seconds(overview.firstResponse.medianMilliseconds), `median over ${plural(overview.firstResponse.samples, 'conversation')}`, 'first-response'),
      kpi('Not answered', String(overview.unanswered), `${plural(overview.gapGroups, 'gap')} to fill below`, 'unanswered'),
    );
    renderPerDay(overview);
    renderReasons(overview);
    renderCsat(overview);
    renderSentiment(overview);
  }

  /** A <details> with the chart's data as a table: exact numbers, and the chart for screen readers. */
  function tableFallback(caption, headers, rows) {
    return el(
      'details',
      { class: 'fallback' },
      el('summary', {}, 'Show as a table'),
      el('div', { class: 'table-scroll' }, el('table', { class: 'table table--compact' }, el('caption', {}, caption), el('thead', {}, el('tr', {}, headers.map((header) => el('th', { scope: 'col' }, header)))), el('tbody', {}, rows.map((row) => el('tr', {}, row.map((cell, index) => (index === 0 ? el('th', { scope: 'row' }, cell) : el('td', {}, cell)))))))),
    );
  }

  /** Charts are drawn at the size they are shown, so their text stays at the page's text size on any screen. */
  const chartWidth = (target) => Math.max(280, Math.round(target.clientWidth || 640));

  function niceMax(value) {
    if (value <= 4) return Math.max(1, value);
    const magnitude = 10 ** Math.floor(Math.log10(value));
    return Math.ceil(value / magnitude / (value / magnitude > 5 ? 2 : 1)) * magnitude * (value / magnitude > 5 ? 2 : 1);
  }

  function renderPerDay(overview) {
    const target = $('per-day-chart');
    clear(target);
    const width = chartWidth(target);
    const height = 220;
    const left = 36;
    const bottom = 28;
    const top = 10;
    const days = overview.perDay;
    const max = niceMax(Math.max(0, ...days.map((day) => day.total)));
    const plotHeight = height - top - bottom;
    const step = (width - left - 8) / days.length;
    const barWidth = Math.max(2, Math.min(36, step * 0.7));
    const summary = `${overview.conversations} conversations from ${dayLabel(overview.window.from)} to ${dayLabel(overview.window.to)}; busiest day ${days.reduce((best, day) => (day.total > best.total ? day : best), days[0]).total} conversations.`;
    const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart__svg', role: 'img', 'aria-label': summary });
    const ticks = max <= 4 ? Array.from({ length: max + 1 }, (_, index) => index) : [0, max / 2, max];
    for (const tick of ticks) {
      const y = top + plotHeight - (tick / max) * plotHeight;
      chart.append(svg('line', { x1: left, x2: width - 4, y1: y, y2: y, class: tick === 0 ? 'axis' : 'gridline' }), svg('text', { x: left - 6, y: y + 4, class: 'tick', 'text-anchor': 'end' }, String(tick)));
    }
    const labelEvery = Math.ceil(days.length / Math.max(2, Math.floor((width - left) / 64)));
    days.forEach((day, index) => {
      const x = left + index * step + (step - barWidth) / 2;
      let y = top + plotHeight;
      overview.channels.forEach((channel, channelIndex) => {
        const count = day.byChannel[channel] || 0;
        if (count === 0) return;
        const barHeight = (count / max) * plotHeight;
        y -= barHeight;
        chart.append(svg('rect', { x, y, width: barWidth, height: barHeight, fill: channelColor(channel, channelIndex), class: 'bar' }, svg('title', {}, `${dayLabel(day.day)}: ${count} ${channelName(channel)}`)));
      });
      if ((days.length - 1 - index) % labelEvery === 0) chart.append(svg('text', { x: x + barWidth / 2, y: height - 8, class: 'tick', 'text-anchor': 'middle' }, dayLabel(day.day)));
    });
    const legend = el('ul', { class: 'legend' }, overview.channels.map((channel, index) => el('li', {}, el('span', { class: 'swatch', 'data-channel': channel, 'aria-hidden': 'true' }), channelName(channel))));
    legend.querySelectorAll('.swatch').forEach((swatch, index) => (swatch.style.background = channelColor(overview.channels[index], index)));
    const rows = days.filter((day) => day.total > 0).map((day) => [dayLabel(day.day), ...overview.channels.map((channel) => String(day.byChannel[channel] || 0)), String(day.total)]);
    target.append(chart, overview.channels.length ? legend : el('p', { class: 'hint' }, 'No conversations in this period yet.'), tableFallback('Conversations per day by channel (days with conversations)', ['Day', ...overview.channels.map(channelName), 'Total'], rows));
  }

  /** Horizontal bars: label, bar, value. */
  function horizontalBars(rows, options) {
    const width = options.width;
    const rowHeight = 30;
    const labelWidth = options.labelWidth || 150;
    const max = Math.max(1, ...rows.map((row) => row.value));
    const chart = svg('svg', { viewBox: `0 0 ${width} ${Math.max(rowHeight, rows.length * rowHeight) + 4}`, class: 'chart__svg', role: 'img', 'aria-label': options.label });
    rows.forEach((row, index) => {
      const y = index * rowHeight + 4;
      const barWidth = ((width - labelWidth - 40) * row.value) / max;
      chart.append(
        svg('text', { x: labelWidth - 8, y: y + 16, class: 'label', 'text-anchor': 'end' }, row.label),
        svg('rect', { x: labelWidth, y: y + 3, width: Math.max(row.value > 0 ? 2 : 0, barWidth), height: rowHeight - 10, rx: 3, fill: row.color || '#17613f', class: 'bar' }, svg('title', {}, `${row.label}: ${row.value}`)),
        svg('text', { x: labelWidth + barWidth + 6, y: y + 16, class: 'value' }, String(row.text ?? row.value)),
      );
    });
    return chart;
  }

  function renderReasons(overview) {
    const target = $('reasons-chart');
    clear(target);
    target.append(el('p', { class: 'big' }, percent(overview.handoffRate), el('span', { class: 'big__detail' }, ` of conversations (${overview.handedOff} of ${overview.conversations}) reached a person`)));
    if (overview.handoffReasons.length === 0) {
      target.append(el('p', { class: 'hint' }, 'No handoffs in this period.'));
      return;
    }
    const rows = overview.handoffReasons.map((entry) => ({ label: REASONS[entry.reason] || entry.reason, value: entry.count }));
    target.append(horizontalBars(rows, { width: chartWidth(target), label: `Handoff reasons: ${rows.map((row) => `${row.label} ${row.value}`).join(', ')}`, labelWidth: 190 }), tableFallback('Handoff reasons', ['Reason', 'Handoffs'], rows.map((row) => [row.label, String(row.value)])));
  }

  function renderCsat(overview) {
    const target = $('csat-chart');
    clear(target);
    const { csat, nps } = overview;
    target.append(
      el('p', { class: 'big' }, csat.mean === null ? '–' : csat.mean.toFixed(1), el('span', { class: 'big__detail' }, csat.mean === null ? ' no ratings yet' : ` out of 5 from ${plural(csat.responses, 'rating')}`)),
    );
    const colors = ['#b3261e', '#c8641b', '#b39a1e', '#4f8a3c', '#17613f'];
    const rows = csat.distribution.map((count, index) => ({ label: `${index + 1} ${index === 0 ? 'star' : 'stars'}`, value: count, color: colors[index] })).reverse();
    target.append(horizontalBars(rows, { width: chartWidth(target), label: `CSAT ratings: ${rows.map((row) => `${row.label} ${row.value}`).join(', ')}`, labelWidth: 70 }));
    const npsText = nps.score === null ? 'No NPS answers yet.' : `NPS ${nps.score > 0 ? '+' : ''}${nps.score} from ${plural(nps.responses, 'answer')}: ${nps.promoters} promoters (9–10), ${nps.passives} passives, ${nps.detractors} detractors (0–6).`;
    target.append(el('p', { class: 'hint', 'data-nps': nps.score === null ? '' : String(nps.score) }, npsText), tableFallback('Satisfaction ratings', ['Rating', 'Answers'], rows.map((row) => [row.label, String(row.value)])));
  }

  function renderSentiment(overview) {
    const target = $('sentiment-chart');
    clear(target);
    const width = chartWidth(target);
    const height = 180;
    const left = 36;
    const top = 10;
    const bottom = 28;
    const plotHeight = height - top - bottom;
    const days = overview.sentiment;
    const step = (width - left - 8) / Math.max(1, days.length);
    const yOf = (value) => top + ((1 - value) / 2) * plotHeight;
    const known = days.filter((day) => day.mean !== null);
    const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart__svg', role: 'img', 'aria-label': known.length ? `Mean customer sentiment per day, from −1 (negative) to +1 (positive). Latest: ${known[known.length - 1].mean.toFixed(2)} on ${dayLabel(known[known.length - 1].day)}.` : 'No customer sentiment in this period.' });
    for (const [value, label] of [[1, '+1'], [0, '0'], [-1, '−1']]) {
      chart.append(svg('line', { x1: left, x2: width - 4, y1: yOf(value), y2: yOf(value), class: value === 0 ? 'axis' : 'gridline' }), svg('text', { x: left - 6, y: yOf(value) + 4, class: 'tick', 'text-anchor': 'end' }, label));
    }
    const labelEvery = Math.ceil(days.length / Math.max(2, Math.floor((width - left) / 64)));
    let path = '';
    let isDrawing = false;
    days.forEach((day, index) => {
      const x = left + index * step + step / 2;
      if ((days.length - 1 - index) % labelEvery === 0) chart.append(svg('text', { x, y: height - 8, class: 'tick', 'text-anchor': 'middle' }, dayLabel(day.day)));
      if (day.mean === null) {
        isDrawing = false;
        return;
      }
      path += `${isDrawing ? 'L' : 'M'}${x.toFixed(1)} ${yOf(day.mean).toFixed(1)} `;
      isDrawing = true;
    });
    if (path) chart.append(svg('path', { d: path.trim(), class: 'line' }));
    days.forEach((day, index) => {
      if (day.mean === null) return;
      const x = left + index * step + step / 2;
      chart.append(svg('circle', { cx: x, cy: yOf(day.mean), r: 4, class: day.mean < -0.05 ? 'point point--negative' : 'point' }, svg('title', {}, `${dayLabel(day.day)}: ${day.mean.toFixed(2)} (${plural(day.samples, 'message')})`)));
    });
    target.append(chart, tableFallback('Mean customer sentiment per day (−1 to +1)', ['Day', 'Mean sentiment', 'Messages'], known.map((day) => [dayLabel(day.day), day.mean.toFixed(2), String(day.samples)])));
  }

  // ---------- knowledge gaps ----------
  function renderGaps(payload) {
    const list = $('gaps');
    clear(list);
    const groups = payload.groups;
    if (groups.length === 0) {
      list.append(el('li', { class: 'hint' }, 'No unanswered questions in this period.'));
      return;
    }
    for (const group of groups) {
      const item = el('li', { class: `gap${group.isAddressed ? ' gap--done' : ''}`, 'data-gap': group.id });
      const heading = el('div', { class: 'gap__head' }, el('h3', { class: 'gap__question' }, group.question), el('span', { class: 'badge', title: 'times asked' }, `asked ${group.count}×`));
      const detail = [group.unanswered ? `${group.unanswered} not answered` : '', group.lowConfidence ? `${group.lowConfidence} answered with low confidence` : '', `last ${timeLabel(group.lastAt)}`].filter(Boolean).join(' · ');
      item.append(heading, el('p', { class: 'hint' }, detail));
      if (group.examples.length > 1 || group.examples[0].text !== group.question) {
        item.append(el('ul', { class: 'gap__examples', 'aria-label': 'How customers asked it' }, group.examples.map((example) => el('li', {}, `“${example.text}”`))));
      }
      if (group.isAddressed) item.append(el('p', { class: 'done' }, '✓ Added as an FAQ'));
      else if (payload.canAddFaq) item.append(faqForm(group, item));
      list.append(item);
    }
  }

  function faqForm(group, item) {
    const toggle = el('button', { type: 'button', class: 'button button--small', 'aria-expanded': 'false' }, 'Add as FAQ');
    const id = group.id;
    const question = el('input', { id: `${id}-question`, type: 'text', required: true, maxlength: 200 });
    question.value = /[?]$/.test(group.question.trim()) ? group.question.trim() : `${group.question.trim()}?`;
    const answer = el('textarea', { id: `${id}-answer`, rows: 4, required: true, maxlength: 4000, placeholder: 'The answer customers should get, in plain sentences.' });
    const paraphrases = group.examples.filter((example) => example.text.toLowerCase() !== question.value.toLowerCase()).map((example, index) => {
      const box = el('input', { type: 'checkbox', id: `${id}-p${index}`, checked: true });
      box.value = example.text;
      return el('label', { class: 'check', for: `${id}-p${index}` }, box, ` ${example.text}`);
    });
    const error = el('p', { class: 'error', role: 'alert' });
    const form = el(
      'form',
      { class: 'faq-form', hidden: true, novalidate: true },
      el('label', { class: 'field', for: `${id}-question` }, 'Question (ends with “?”)'),
      question,
      el('label', { class: 'field', for: `${id}-answer` }, 'Answer'),
      answer,
      paraphrases.length ? el('fieldset', {}, el('legend', {}, 'Also teach these wordings'), paraphrases) : null,
      error,
      el('div', { class: 'faq-form__actions' }, el('button', { type: 'submit', class: 'button' }, 'Save to the knowledge base'), el('button', { type: 'button', class: 'button button--ghost', 'data-cancel': '' }, 'Cancel')),
    );
    toggle.addEventListener('click', () => {
      form.hidden = !form.hidden;
      toggle.setAttribute('aria-expanded', String(!form.hidden));
      if (!form.hidden) answer.focus();
    });
    form.querySelector('[data-cancel]').addEventListener('click', () => {
      form.hidden = true;
      toggle.setAttribute('aria-expanded', 'false');
      toggle.focus();
    });
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      error.textContent = '';
      const body = { question: question.value.trim(), answer: answer.value.trim(), paraphrases: [...form.querySelectorAll('input[type=checkbox]:checked')].map((box) => box.value) };
      if (!body.question.endsWith('?')) return void (error.textContent = 'The question must end with “?”.');
      if (!body.answer) return void (error.textContent = 'Write the answer first.');
      const submit = form.querySelector('button[type=submit]');
      submit.disabled = true;
      try {
        const result = await api('/api/admin/gaps/faq', { method: 'POST', body });
        say(`Added “${result.question}” to knowledge/${result.file}. The bot answers it from now on.`);
        form.remove();
        toggle.remove();
        item.classList.add('gap--done');
        item.append(el('p', { class: 'done' }, '✓ Added as an FAQ'));
      } catch (failure) {
        error.textContent = failure.message;
      } finally {
        submit.disabled = false;
      }
    });
    return el('div', {}, toggle, form);
  }

  // ---------- conversations ----------
  async function loadConversations(isFirstPage) {
    const params = new URLSearchParams({ days: String(state.days) });
    const channel = $('filter-channel').value;
    const conversationState = $('filter-state').value;
    if (channel) params.set('channel', channel);
    if (conversationState) params.set('state', conversationState);
    if (!isFirstPage && state.cursor) params.set('cursor', state.cursor);
    const page = await api(`/api/admin/conversations?${params}`);
    const select = $('filter-channel');
    for (const name of page.channels) if (![...select.options].some((option) => option.value === name)) select.append(el('option', { value: name }, channelName(name)));
    const body = $('conversations').tBodies[0];
    if (isFirstPage) clear(body);
    for (const conversation of page.conversations) body.append(conversationRow(conversation));
    if (isFirstPage && page.conversations.length === 0) body.append(el('tr', {}, el('td', { colspan: 6, class: 'hint' }, 'No conversations match.')));
    state.cursor = page.nextCursor;
    $('more').hidden = !page.nextCursor;
    $('conversation-count').textContent = plural(page.total, 'conversation');
  }

  function conversationRow(conversation) {
    const open = el('button', { type: 'button', class: 'link', 'data-conversation': conversation.id }, timeLabel(conversation.lastActivityAt));
    open.addEventListener('click', () => openTranscript(conversation.id, false, open));
    const row = el(
      'tr',
      { class: 'row' },
      el('td', {}, open),
      el('td', {}, el('span', { class: 'chip', 'data-channel': conversation.channel }, channelName(conversation.channel))),
      el('td', {}, conversation.customer || el('span', { class: 'muted', title: conversation.address }, conversation.channel === 'web' ? `Visitor ${conversation.address.slice(2, 8)}` : conversation.address)),
      el('td', {}, el('span', { class: `state state--${conversation.state}` }, STATES[conversation.state] || conversation.state), conversation.staffName ? el('span', { class: 'muted' }, ` · ${conversation.staffName}`) : null),
      el('td', { class: 'number' }, String(conversation.customerMessages)),
      el('td', { class: 'preview' }, conversation.preview || ''),
    );
    row.addEventListener('click', (event) => {
      if (event.target !== open) openTranscript(conversation.id, false, open);
    });
    return row;
  }

  async function openTranscript(id, isRevealed, opener) {
    try {
      const payload = await api(`/api/admin/conversations/${encodeURIComponent(id)}${isRevealed ? '?reveal=1' : ''}`);
      state.openConversation = id;
      state.isRevealed = payload.isRevealed;
      if (opener) state.opener = opener;
      renderTranscript(payload);
      const drawer = $('transcript');
      drawer.hidden = false;
      $('transcript-title').focus();
    } catch (error) {
      say(`Could not open the conversation: ${error.message}`, true);
    }
  }

  function renderTranscript(payload) {
    const { conversation } = payload;
    $('transcript-title').textContent = `${channelName(conversation.channel)} · ${conversation.customer || conversation.address}`;
    const reveal = $('reveal');
    reveal.setAttribute('aria-pressed', String(payload.isRevealed));
    reveal.textContent = payload.isRevealed ? 'Hide personal data' : 'Reveal personal data';
    $('transcript-meta').textContent = [STATES[conversation.state], `${plural(conversation.customerMessages, 'customer message')}`, conversation.firstResponseMilliseconds === null ? '' : `first reply after ${seconds(conversation.firstResponseMilliseconds)}`, payload.isRevealed ? 'personal data shown (this was logged)' : 'personal data masked'].filter(Boolean).join(' · ');
    const list = $('messages');
    clear(list);
    for (const item of payload.items) {
      if (item.type === 'event') {
        const who = item.staffName ? ` by ${item.staffName}` : '';
        const why = item.reason ? `: ${REASONS[item.reason] || item.reason}` : '';
        const score = item.score !== null ? ` ${item.score} / 5` : '';
        list.append(el('li', { class: 'event' }, `${EVENTS[item.event] || item.event}${who}${why}${score} · ${timeLabel(item.at)}`));
        continue;
      }
      const meta = [item.role === 'agent' ? item.senderName || 'Staff' : item.role === 'customer' ? 'Customer' : item.role === 'system' ? 'Notice' : 'Bot', timeLabel(item.at)];
      if (item.flow) meta.push(item.flow);
      if (item.confidence !== null && item.role === 'bot') meta.push(`confidence ${item.confidence.toFixed(2)}`);
      if (item.sentiment !== null) meta.push(`sentiment ${item.sentiment.toFixed(2)}`);
      const bubble = el('li', { class: `message message--${item.role}` }, el('p', { class: 'message__meta' }, meta.join(' · ')), el('p', { class: 'message__text' }, item.text));
      if (item.quickReplies.length) bubble.append(el('p', { class: 'message__extra' }, `Buttons: ${item.quickReplies.join(' | ')}`));
      if (item.cards.length) bubble.append(el('p', { class: 'message__extra' }, `Products: ${item.cards.join(', ')}`));
      if (item.citations.length) bubble.append(el('p', { class: 'message__extra' }, `Source: ${item.citations.map((citation) => (citation.heading ? `${citation.source} › ${citation.heading}` : citation.source)).join('; ')}`));
      list.append(bubble);
    }
  }

  function closeTranscript() {
    $('transcript').hidden = true;
    state.openConversation = null;
    if (state.opener && document.contains(state.opener)) state.opener.focus();
  }

  // ---------- wiring ----------
  document.addEventListener('DOMContentLoaded', () => {
    // A one-time link (#token=…) signs in and is removed from the address bar and history at once.
    const fromLink = new URLSearchParams(location.hash.slice(1)).get('token');
    if (fromLink) history.replaceState(null, '', location.pathname);
    $('login-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const token = $('token').value.trim();
      if (!token) return void ($('login-error').textContent = 'Enter the admin token.');
      $('token').value = '';
      void signIn(token);
    });
    $('sign-out').addEventListener('click', () => {
      sessionStorage.removeItem(TOKEN_KEY);
      state.token = '';
      showLogin('Signed out.');
    });
    $('days').addEventListener('change', () => {
      state.days = Number($('days').value);
      void loadEverything().catch((error) => say(error.message, true));
    });
    for (const id of ['filter-channel', 'filter-state']) $(id).addEventListener('change', () => void loadConversations(true).catch((error) => say(error.message, true)));
    $('filters').addEventListener('submit', (event) => event.preventDefault());
    $('more').addEventListener('click', () => void loadConversations(false).catch((error) => say(error.message, true)));
    $('reveal').addEventListener('click', () => state.openConversation && void openTranscript(state.openConversation, !state.isRevealed));
    $('close-transcript').addEventListener('click', closeTranscript);
    document.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && !$('transcript').hidden) closeTranscript();
    });
    let resizeTimer;
    let lastWidth = window.innerWidth;
    window.addEventListener('resize', () => {
      if (window.innerWidth === lastWidth) return;
      lastWidth = window.innerWidth;
      clearTimeout(resizeTimer);
      resizeTimer = setTimeout(() => state.overview && !$('dashboard').hidden && renderOverview(state.overview), 150);
    });
    const token = fromLink || sessionStorage.getItem(TOKEN_KEY);
    if (token) void signIn(token);
    else showLogin('');
  });
})();
