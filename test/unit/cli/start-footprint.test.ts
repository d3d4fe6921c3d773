import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, test } from 'vitest';
import { projectRoot } from '../../helpers/start-test-chat.js';
import { freePort, startServerProcess } from '../../helpers/server-process.js';
import { openWebConversation, postWebMessage } from '../../helpers/web-client.js';

// The platform SDKs are large (botbuilder alone is about 17 MB of heap and half a second to load). A bot that does not
// use a channel or an LLM should not pay for them: in memory, in start-up time, or in garbage-collection work.
test('a default start (web chat only, no LLM) answers without loading any platform SDK', { timeout: 90_000 }, async () => {
  const directory = mkdtempSync(join(tmpdir(), 'frontdesk-footprint-'));
  const packagesFile = join(directory, 'packages.txt');
  const hook = pathToFileURL(join(projectRoot, 'test/helpers/record-packages.mjs')).href;
  const server = await startServerProcess({
    port: await freePort(),
    env: {
      FRONTDESK_DATA_DIR: join(directory, 'data'),
      FRONTDESK_TEST_PACKAGES_FILE: packagesFile,
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${hook}`.trim(),
      // Nothing configured beyond the defaults, whatever the developer's shell has set.
      OPENAI_API_KEY: '',
      TWILIO_ACCOUNT_SID: '',
      TWILIO_AUTH_TOKEN: '',
      SLACK_BOT_TOKEN: '',
      SLACK_SIGNING_SECRET: '',
      SLACK_HANDOFF_CHANNEL: '',
      MicrosoftAppId: '',
      MicrosoftAppPassword: '',
      MicrosoftAppTenantId: '',
      FRONTDESK_TEAMS_EMULATOR: '',
    },
  });
  try {
    const conversation = await openWebConversation(server.url);
    const answer = await postWebMessage(server.url, conversation, 'how long does shipping take?');
    expect(answer.status).toBe(200);
    expect(answer.body.replies.length).toBeGreaterThan(0);
    expect(existsSync(packagesFile), 'the package recorder did not run').toBe(true);
    const loaded = new Set(readFileSync(packagesFile, 'utf8').split('\n').filter(Boolean));
    // The recorder works: the core's own dependencies are there.
    expect(loaded).toContain('xstate');
    expect(loaded).toContain('better-sqlite3');
    for (const sdk of ['botbuilder', 'twilio', '@slack/bolt', '@langchain/openai', 'openai']) expect(loaded, `${sdk} was loaded`).not.toContain(sdk);
  } finally {
    await server.kill();
    rmSync(directory, { recursive: true, force: true });
  }
});
