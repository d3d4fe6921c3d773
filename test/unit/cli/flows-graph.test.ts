import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import type { AnyStateMachine } from 'xstate';
import { askConsent, flow } from '../../../src/index.js';
import { flowToMermaid } from '../../../src/cli/flows-commands.js';
import { loadFlows } from '../../../src/flow/load-flows.js';
import { projectRoot } from '../../helpers/start-test-chat.js';

test('a small machine becomes a Mermaid state diagram with its states, transitions, services and final state', () => {
  const machine = flow.createMachine({
    id: 'giftCard',
    context: flow.startingContext,
    initial: 'askingNumber',
    on: { 'handoff.resolved': '.done' },
    states: {
      askingNumber: flow.ask('What is the card number?', { expect: 'number', then: 'checking', onFail: 'offeringHuman' }),
      checking: {
        invoke: { src: 'lookupCustomer', input: ({ context }) => ({ customerId: context.customer.id }), onDone: 'done', onError: 'offeringHuman' },
      },
      offeringHuman: flow.offerHuman({ reason: 'flowDecision' }),
      done: { type: 'final' },
    },
  });
  expect(flowToMermaid(machine)).toBe(
    [
      'stateDiagram-v2',
      '  [*] --> askingNumber',
      '  state "askingNumber" as askingNumber',
      '  state "checking" as checking',
      '  state "offeringHuman" as offeringHuman',
      '  state "done" as done',
      '  done --> [*]',
      '  state "any state" as anyState',
      '  anyState --> done: handoff.resolved',
      '  askingNumber --> checking: message.received [if]',
      '  askingNumber --> offeringHuman: message.received',
      '  checking --> done: done lookupCustomer',
      '  checking --> offeringHuman: error lookupCustomer',
      '  offeringHuman --> done: message.received [if]',
      '',
    ].join('\n'),
  );
});

test('nested states are drawn as composite states with ids unique by path', () => {
  const machine = flow.createMachine({
    id: 'consentDemo',
    context: flow.startingContext,
    initial: 'checkingConsent',
    states: {
      checkingConsent: askConsent({ purpose: 'personalization', question: 'May I?', then: 'personalized', ifRefused: 'generic' }),
      personalized: { type: 'final' },
      generic: { type: 'final' },
    },
  });
  const diagram = flowToMermaid(machine);
  expect(diagram).toContain('  state checkingConsent {\n    [*] --> checkingConsent__checking\n');
  expect(diagram).toContain('    state "decided" as checkingConsent__decided\n    checkingConsent__decided --> [*]');
  expect(diagram).toContain('  checkingConsent__checking --> checkingConsent__asking: done checkConsent\n');
  expect(diagram).toContain('  checkingConsent --> personalized: finished [if]\n');
  expect(diagram).toContain('  checkingConsent --> generic: finished\n');
});

test('the diagrams in docs/flows are the ones the demo flows generate today (run "npx frontdesk flows graph" after changing a flow)', async () => {
  const flowSet = await loadFlows(join(projectRoot, 'flows'), { rootDirectory: projectRoot });
  const machines = [{ id: 'router', machine: flowSet.router.machine }, ...flowSet.flows.map((definition) => ({ id: definition.id, machine: definition.machine }))];
  for (const { id, machine } of machines) {
    const file = join(projectRoot, 'docs/flows', `${id}.mmd`);
    expect(existsSync(file), `docs/flows/${id}.mmd is missing`).toBe(true);
    expect(readFileSync(file, 'utf8'), `docs/flows/${id}.mmd is out of date`).toBe(flowToMermaid(machine as AnyStateMachine));
  }
});
