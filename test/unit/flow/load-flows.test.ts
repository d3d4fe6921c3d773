import { mkdtempSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { spawnSync } from 'node:child_process';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { loadFlows } from '../../../src/index.js';
import { routerHandles } from '../../../src/flow/load-flows.js';
import { projectRoot } from '../../helpers/start-test-chat.js';

const core = pathToFileURL(join(projectRoot, 'src/index.ts')).href;
let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'frontdesk-flows-'));
  // A minimal valid router, rewritten to import the core by absolute URL from the temporary folder.
  writeFileSync(join(directory, 'router.ts'), `import { defineRouter, flow } from '${core}';
export default defineRouter({ description: 'test router', machine: flow.createMachine({ context: flow.startingContext, initial: 'listening', states: { listening: {} } }) });`);
});
afterEach(() => rmSync(directory, { recursive: true, force: true }));

const writeFlow = (name: string, fields: string, machine = `flow.createMachine({ context: flow.startingContext, initial: 'a', states: { a: { type: 'final' } } })`) =>
  writeFileSync(join(directory, name), `import { defineFlow, flow } from '${core}';\nexport default defineFlow({ ${fields}, machine: ${machine} });\n`);

const goodFields = `id: 'returns', description: 'Explains the return policy.', triggers: ['how do returns work', 'I want to send this back', 'can I get a refund']`;

test('valid flows load, with a version fingerprint of their shape', async () => {
  writeFlow('returns.ts', goodFields);
  const flows = await loadFlows(directory);
  expect(flows.flows.map((flow) => flow.id)).toEqual(['returns']);
  expect(flows.version).toMatch(/^[0-9a-f]{16}$/);
  writeFlow('returns.ts', goodFields, `flow.createMachine({ context: flow.startingContext, initial: 'b', states: { b: { type: 'final' } } })`);
  // Node caches modules by URL, so load the changed shape from a new file name.
  rmSync(join(directory, 'returns.ts'));
  writeFlow('returns-2.ts', goodFields, `flow.createMachine({ context: flow.startingContext, initial: 'b', states: { b: { type: 'final' } } })`);
  expect((await loadFlows(directory)).version).not.toBe(flows.version);
});

test.each([
  [`id: 'returns', description: 'Explains the return policy.', triggers: ['refund please']`, /returns\.ts: "triggers" needs at least 3 example phrases .*\(found 1\)/, 'triggers'],
  [`id: 'Returns!', description: 'Explains the return policy.', triggers: ['a b', 'c d', 'e f']`, /returns\.ts: "id" must be a camelCase name .*"Returns!"/, 'id'],
  [`id: 'returns', description: 'short', triggers: ['a b', 'c d', 'e f']`, /returns\.ts: "description" must be a sentence/, 'description'],
  [`id: 'returns', description: 'Explains the return policy.', triggers: ['a b', 'c d', 'e f'], needs: ['telepathy']`, /returns\.ts: "needs" names an unknown service "telepathy"/, 'needs.0'],
])('an invalid flow stops loading with an error naming the file and the field (%#)', async (fields, message, field) => {
  writeFlow('returns.ts', fields);
  await expect(loadFlows(directory)).rejects.toMatchObject({ code: 'flow_invalid', message: expect.stringMatching(message), details: { field } });
});

test('a machine that invokes something that is not a service is refused at start-up', async () => {
  writeFlow('returns.ts', goodFields, `flow.createMachine({ context: flow.startingContext, initial: 'a', states: { a: { invoke: { src: 'startReturnn' as never } } } })`);
  await expect(loadFlows(directory)).rejects.toThrow(/returns\.ts: "machine" invokes "startReturnn" in state "a", which is not a service/);
});

test('two flows with the same id are refused', async () => {
  writeFlow('returns.ts', goodFields);
  writeFlow('returns-again.ts', goodFields);
  await expect(loadFlows(directory)).rejects.toThrow(/returns\.ts: "id" "returns" is already used by another flow/);
});

test('a flow folder without a router is refused', async () => {
  rmSync(join(directory, 'router.ts'));
  writeFlow('returns.ts', goodFields);
  await expect(loadFlows(directory)).rejects.toThrow(/there is no router\.ts/);
});

test('npm start with an invalid flow in flows/ exits with the file and field named', () => {
  copyFileSync(join(projectRoot, 'flows/welcome.ts'), join(directory, 'welcome.ts'));
  writeFileSync(join(directory, 'welcome.ts'), `import { defineFlow, flow } from '${core}';\nexport default defineFlow({ id: 'welcome', description: 'Greets the customer nicely.', triggers: ['hi'], machine: flow.createMachine({ context: flow.startingContext, initial: 'a', states: { a: { type: 'final' } } }) });\n`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(projectRoot, 'src/cli/main.ts'), 'start'], {
    cwd: projectRoot,
    env: { ...process.env, FRONTDESK_FLOWS_DIR: directory, PORT: '0', FRONTDESK_DATA_DIR: join(directory, '.data') },
    encoding: 'utf8',
    timeout: 30_000,
  });
  expect(result.status).toBe(1);
  expect(result.stderr).toMatch(/flow_invalid: .*welcome\.ts: "triggers" needs at least 3 example phrases so the router can tell this flow apart \(found 1\)/);
});

test('start-up can tell whether the router takes back a message a flow hands back', async () => {
  const minimal = await loadFlows(directory);
  expect(routerHandles(minimal.router, 'message.handedBack')).toBe(false);
  const demo = await loadFlows(join(projectRoot, 'flows'), { rootDirectory: projectRoot });
  expect(routerHandles(demo.router, 'message.handedBack')).toBe(true);
  expect(routerHandles(demo.router, 'message.received')).toBe(true);
});
