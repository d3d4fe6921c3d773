import { expect, test } from 'vitest';
import { readConfig } from '../../src/index.js';

test('no environment at all gives the demo defaults', () => {
  const config = readConfig({});
  expect(config.PORT).toBe(3000);
  expect(config.FRONTDESK_DURABILITY).toBe('normal');
  expect(config.FRONTDESK_V8_PRETENURING).toBe('off');
});

test('a mistyped setting stops start-up with an error naming the variable and what it is for', () => {
  expect(() => readConfig({ FRONTDESK_V8_PRETENURING: 'yes' })).toThrow(/FRONTDESK_V8_PRETENURING.*allocation-site pretenuring/s);
  expect(() => readConfig({ PORT: 'eighty' })).toThrow(/PORT.*HTTP port/s);
});

test('a blank line copied from .env.example means "use the default"', () => {
  expect(readConfig({ FRONTDESK_V8_PRETENURING: '  ', PORT: '' })).toMatchObject({ FRONTDESK_V8_PRETENURING: 'off', PORT: 3000 });
});
