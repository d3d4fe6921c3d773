import { describe, expect, test } from 'vitest';
import { classifyConsent, consentReplies } from '../../adapters/sms/consent.js';
import { countSegments, encodingOf, parseChoice, renderCard, renderChoices, renderSms, splitForSms, toGsmFriendly } from '../../adapters/sms/render.js';
import { isForwardMove } from '../../adapters/sms/status.js';
import { maskPhone } from '../../adapters/sms/to-message.js';
import { classifySendError, parseRetryAfter } from '../../adapters/sms/twilio-client.js';

describe('SMS segments', () => {
  test('plain GSM-7 text fits 160 characters in one segment and 153 per part after that', () => {
    expect(countSegments('a'.repeat(160))).toEqual({ encoding: 'GSM-7', units: 160, segments: 1 });
    expect(countSegments('a'.repeat(161))).toEqual({ encoding: 'GSM-7', units: 161, segments: 2 });
    expect(countSegments('a'.repeat(306)).segments).toBe(2);
    expect(countSegments('a'.repeat(307)).segments).toBe(3);
    expect(countSegments('').segments).toBe(0);
  });

  test('GSM-7 extension characters (€ [ ] { } ~ ^ | \\) count twice', () => {
    expect(countSegments('€'.repeat(80))).toEqual({ encoding: 'GSM-7', units: 160, segments: 1 });
    expect(countSegments('€'.repeat(81)).segments).toBe(2);
    // An escape pair never straddles two parts: 152 plain + one € does not fit the first 153-septet part.
    expect(countSegments('a'.repeat(152) + '€' + 'a'.repeat(152)).segments).toBe(3);
  });

  test('one character outside GSM-7 switches the whole message to UCS-2: 70, then 67 per part; an emoji counts 2', () => {
    expect(encodingOf('Café £5, ÄÖÜ, ñ, à')).toBe('GSM-7');
    expect(encodingOf('See you soon 🚲')).toBe('UCS-2');
    expect(encodingOf('ç')).toBe('UCS-2'); // lower-case ç is not in GSM-7 (only Ç is)
    expect(countSegments('a'.repeat(70) + 'ł').segments).toBe(2);
    expect(countSegments('a'.repeat(69) + 'ł')).toEqual({ encoding: 'UCS-2', units: 70, segments: 1 });
    expect(countSegments('🚲'.repeat(35))).toEqual({ encoding: 'UCS-2', units: 70, segments: 1 });
    expect(countSegments('🚲'.repeat(36)).segments).toBe(2);
    // A surrogate pair never straddles parts: 33 emoji (66 units) + 1 fill part one; 34 would need 68.
    expect(countSegments('🚲'.repeat(67)).segments).toBe(3);
  });

  test('smart punctuation becomes its GSM-7 look-alike so one apostrophe does not double the cost', () => {
    const text = 'We’re open 9–5 — “no appointment” needed… • Bring your bike';
    expect(encodingOf(text)).toBe('UCS-2');
    expect(toGsmFriendly(text)).toBe('We\'re open 9-5 - "no appointment" needed... - Bring your bike');
    expect(encodingOf(toGsmFriendly(text))).toBe('GSM-7');
    expect(toGsmFriendly('Ride on 🚲')).toBe('Ride on 🚲');
  });
});

describe('splitting long replies', () => {
  const sentence = (index: number) => `Sentence number ${index} explains one more detail about our repair workshop and its opening hours.`;

  test('a reply within two segments stays one message', () => {
    expect(splitForSms('Short answer.')).toEqual(['Short answer.']);
    expect(splitForSms('a'.repeat(306))).toHaveLength(1);
  });

  test('a long GSM-7 answer splits at sentence boundaries into messages of at most two segments', () => {
    const text = Array.from({ length: 12 }, (_, index) => sentence(index + 1)).join(' ');
    const parts = splitForSms(text);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) {
      expect(countSegments(part).segments).toBeLessThanOrEqual(2);
      expect(part).toMatch(/^Sentence number \d+ .*hours\.$/); // whole sentences only
    }
    expect(parts.join(' ')).toBe(text);
  });

  test('an emoji makes only its own message UCS-2, and each UCS-2 message stays within two 67-unit parts', () => {
    const text = [sentence(1), sentence(2), 'Thanks for riding with us 🚲 and see you soon at the shop on Main Street!', sentence(3), sentence(4)].join(' ');
    const parts = splitForSms(text);
    for (const part of parts) expect(countSegments(part).segments).toBeLessThanOrEqual(2);
    const emojiPart = parts.find((part) => part.includes('🚲'))!;
    expect(encodingOf(emojiPart)).toBe('UCS-2');
    expect(parts.filter((part) => encodingOf(part) === 'GSM-7').length).toBeGreaterThan(0);
    expect(parts.join(' ')).toBe(text);
  });

  test('a sentence longer than two segments splits between words; a word longer than that, between characters', () => {
    const longSentence = Array.from({ length: 80 }, (_, index) => `word${index}`).join(' ');
    const parts = splitForSms(longSentence);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(countSegments(part).segments).toBeLessThanOrEqual(2);
    expect(parts.join(' ')).toBe(longSentence);
    const url = `https://example.com/${'x'.repeat(700)}`;
    const urlParts = splitForSms(url);
    expect(urlParts.join('')).toBe(url);
    for (const part of urlParts) expect(countSegments(part).segments).toBeLessThanOrEqual(2);
  });

  test('line breaks between paragraphs survive the split', () => {
    const text = `${'a'.repeat(200)}.\n${'b'.repeat(200)}.`;
    expect(splitForSms(text)).toEqual([`${'a'.repeat(200)}.`, `${'b'.repeat(200)}.`]);
    expect(splitForSms('Line one.\nLine two.')).toEqual(['Line one.\nLine two.']);
  });
});

describe('rich parts as text', () => {
  test('quick replies become numbered choices', () => {
    expect(renderChoices([{ label: 'Returns', value: 'returns' }, { label: 'Shipping', value: 'shipping' }])).toBe('Reply 1 for Returns, 2 for Shipping');
  });

  test('a customer reply of "2", " 2 ", "2.", "2)" or "#2" picks the second option; other text does not', () => {
    for (const text of ['2', ' 2 ', '2.', '2)', '#2', '# 2']) expect(parseChoice(text, 3), JSON.stringify(text)).toBe(2);
    for (const text of ['4', '0', '2 bikes', 'two', '22', '', '2.5', '-2']) expect(parseChoice(text, 3), JSON.stringify(text)).toBeUndefined();
  });

  test('product cards become short lines with price and link, and choices come last', () => {
    expect(renderCard({ productId: 'p1', name: 'Trail Bike 2', price: 899, currency: 'USD', url: 'https://shop.example/p1' })).toBe('- Trail Bike 2, $899: https://shop.example/p1');
    expect(renderCard({ productId: 'p2', name: 'Bell', price: 12.5 })).toBe('- Bell, $12.50');
    const [body] = renderSms({
      text: 'You might like these:',
      cards: [{ productId: 'p1', name: 'Trail Bike 2', price: 899, currency: 'USD', url: 'https://shop.example/p1' }],
      quickReplies: [{ label: 'More', value: 'more' }],
    });
    expect(body).toBe('You might like these:\n- Trail Bike 2, $899: https://shop.example/p1\nReply 1 for More');
  });
});

describe('consent keywords (whole-message rule)', () => {
  const cases: Array<[string, ReturnType<typeof classifyConsent>, boolean?]> = [
    ['STOP', 'opt-out'],
    [' stop ', 'opt-out'],
    ['Stop.', 'opt-out'],
    ['STOP PLEASE', 'opt-out'],
    ['please stop', 'opt-out'],
    ['stop texting me', 'opt-out'],
    ['Stop texting me!!', 'opt-out'],
    ['STOPALL', 'opt-out'],
    ['unsubscribe', 'opt-out'],
    ['Cancel', 'opt-out'],
    ['END', 'opt-out'],
    ['quit', 'opt-out'],
    ['REVOKE', 'opt-out'],
    ['OPTOUT', 'opt-out'],
    ['opt-out', 'opt-out'],
    ['ARRÊT', 'opt-out'],
    ['arret', 'opt-out'],
    ['STOP 🙏', 'opt-out'],
    ['cancel my order', undefined],
    ['I want to cancel my order', undefined],
    ['don’t stop', undefined],
    ['when do you stop serving?', undefined],
    ['the end', undefined],
    ['START', 'opt-in'],
    ['unstop', 'opt-in'],
    ['yes', undefined, false],
    ['YES', 'opt-in', true],
    ['HELP', 'help'],
    ['info', 'help'],
    ['help me with my order', undefined],
    ['', undefined],
  ];
  test.each(cases)('%j → %s', (text, expected, isSuppressed = false) => {
    expect(classifyConsent(text, { isSuppressed })).toBe(expected);
  });

  test('the replies name the business and, for HELP, the contact details', () => {
    const replies = consentReplies('Riverside Cycles', '+1 555 0100 or hello@riverside.example');
    expect(replies.optOut).toBe("You're unsubscribed from Riverside Cycles messages. Reply START to resubscribe.");
    expect(replies.help).toMatch(/^Riverside Cycles .*Contact us: \+1 555 0100 or hello@riverside.example\. Reply STOP/);
    for (const reply of Object.values(replies)) expect(countSegments(reply).encoding).toBe('GSM-7');
    expect(consentReplies('Riverside Cycles').help).toMatch(/Text "agent" to reach a person/);
  });
});

describe('delivery status and errors', () => {
  test('status only moves forward: a late "sent" after "delivered" is ignored; "read" still follows', () => {
    expect(isForwardMove(undefined, 'queued')).toBe(true);
    expect(isForwardMove('queued', 'sent')).toBe(true);
    expect(isForwardMove('sent', 'delivered')).toBe(true);
    expect(isForwardMove('delivered', 'sent')).toBe(false);
    expect(isForwardMove('delivered', 'undelivered')).toBe(false);
    expect(isForwardMove('delivered', 'read')).toBe(true);
    expect(isForwardMove('sent', 'made-up')).toBe(false);
  });

  test('Twilio errors sort into refused, opted out, rate-limited, not sent and maybe sent', () => {
    const now = 1_000_000;
    expect(classifySendError({ status: 400, code: 21610 }, {}, now)).toMatchObject({ kind: 'opted-out' });
    expect(classifySendError({ status: 400, code: 21211 }, {}, now)).toMatchObject({ kind: 'refused', code: 21211 });
    expect(classifySendError({ status: 429, code: 20429 }, { headers: { 'retry-after': '2' } }, now)).toEqual({ kind: 'rate-limited', status: 429, retryAfterMilliseconds: 2000 });
    expect(classifySendError({ status: 500 }, {}, now)).toMatchObject({ kind: 'ambiguous' });
    expect(classifySendError(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }), {}, now)).toMatchObject({ kind: 'not-sent' });
    expect(classifySendError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), {}, now)).toMatchObject({ kind: 'ambiguous' });
    expect(classifySendError(Object.assign(new Error('timeout'), { code: 'ECONNABORTED' }), {}, now)).toMatchObject({ kind: 'ambiguous' });
    expect(parseRetryAfter(new Date(now + 3000).toUTCString(), now)).toBeGreaterThan(1000);
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  test('phone numbers are masked to the first two and last two characters', () => {
    expect(maskPhone('+15551234542')).toBe('+1…42');
  });
});
