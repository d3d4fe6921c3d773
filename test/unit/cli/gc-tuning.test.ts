import { expect, test } from 'vitest';
import { wantsV8Pretenuring } from '../../../src/cli/gc-tuning.js';

const noEnvFile = () => {
  throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
};

test('pretenuring is off unless someone asks for V8 default', () => {
  expect(wantsV8Pretenuring({}, noEnvFile)).toBe(false);
  expect(wantsV8Pretenuring({ FRONTDESK_V8_PRETENURING: 'off' }, noEnvFile)).toBe(false);
  expect(wantsV8Pretenuring({ FRONTDESK_V8_PRETENURING: 'on' }, noEnvFile)).toBe(true);
});

test('the setting is also read from .env, which the CLI otherwise loads only after this runs; the environment wins', () => {
  expect(wantsV8Pretenuring({}, () => '# comment\nFRONTDESK_V8_PRETENURING=on\n')).toBe(true);
  expect(wantsV8Pretenuring({ FRONTDESK_V8_PRETENURING: 'off' }, () => 'FRONTDESK_V8_PRETENURING=on')).toBe(false);
  // A blank value means "use the default", as everywhere else in the configuration.
  expect(wantsV8Pretenuring({ FRONTDESK_V8_PRETENURING: ' ' }, () => 'FRONTDESK_V8_PRETENURING=on')).toBe(true);
});
