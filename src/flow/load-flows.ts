import { readdirSync } from 'node:fs';
import { join, relative, basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createHash } from 'node:crypto';
import type { AnyStateMachine } from 'xstate';
import { FrontdeskError } from '../errors.js';
import { flowSchema, isFlowDefinition, isRouterDefinition, type FlowDefinition, type RouterDefinition } from './define-flow.js';
import { serviceNames } from './flow.js';

export interface FlowSet {
  router: RouterDefinition;
  flows: FlowDefinition[];
  /** A fingerprint of every machine's shape: stored beside each snapshot to detect changed flows. */
  version: string;
}

const flowFilePattern = /^[a-z0-9-]+\.(ts|js|mts|mjs)$/;

/**
 * Loads `router.ts` and every flow file in `flowsDirectory`, validating each. Any problem stops start-up with an
 * error naming the file and the field, because a half-loaded bot is worse than one that does not start.
 */
export async function loadFlows(flowsDirectory: string, options: { rootDirectory?: string } = {}): Promise<FlowSet> {
  const display = (file: string) => relative(options.rootDirectory ?? process.cwd(), file) || file;
  let files: string[];
  try {
    files = readdirSync(flowsDirectory).filter((name) => flowFilePattern.test(name) && !name.endsWith('.d.ts') && !name.includes('.test.')).sort();
  } catch (cause) {
    throw new FrontdeskError('flow_invalid', `${display(flowsDirectory)}: cannot read the flows folder. Create it with a router.ts, or set FRONTDESK_FLOWS_DIR.`, { cause });
  }
  let router: RouterDefinition | undefined;
  const flows: FlowDefinition[] = [];
  for (const name of files) {
    const file = join(flowsDirectory, name);
    let module: { default?: unknown };
    try {
      module = await import(pathToFileURL(file).href);
    } catch (cause) {
      throw new FrontdeskError('flow_invalid', `${display(file)}: the file failed to load: ${(cause as Error).message}`, { cause });
    }
    const exported = module.default;
    if (basename(name).startsWith('router.')) {
      if (!isRouterDefinition(exported)) throw new FrontdeskError('flow_invalid', `${display(file)}: the default export must be defineRouter({ ... }).`);
      router = exported;
      continue;
    }
    if (!isFlowDefinition(exported)) {
      throw new FrontdeskError('flow_invalid', `${display(file)}: the default export must be defineFlow({ id, description, triggers, machine }). Files in flows/ that are not flows belong in another folder.`);
    }
    const parsed = flowSchema.safeParse(exported);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new FrontdeskError('flow_invalid', `${display(file)}: ${issue.message}.`, { details: { file: display(file), field: issue.path.join('.') } });
    }
    if (flows.some((other) => other.id === exported.id)) {
      throw new FrontdeskError('flow_invalid', `${display(file)}: "id" "${exported.id}" is already used by another flow. Flow ids must be unique.`, { details: { file: display(file), field: 'id' } });
    }
    const unknownSource = findUnknownInvokeSource(exported.machine, new Set<string>(serviceNames));
    if (unknownSource) {
      throw new FrontdeskError('flow_invalid', `${display(file)}: "machine" invokes "${unknownSource.src}" in state "${unknownSource.state}", which is not a service. The services are ${serviceNames.join(', ')}.`, { details: { file: display(file), field: 'machine' } });
    }
    flows.push(exported);
  }
  if (!router) throw new FrontdeskError('flow_invalid', `${display(flowsDirectory)}: there is no router.ts. Every bot needs a root router (defineRouter) that starts the other flows.`);
  return { router, flows, version: fingerprint(router, flows) };
}

function findUnknownInvokeSource(machine: AnyStateMachine, known: Set<string>): { src: string; state: string } | undefined {
  const visit = (node: AnyStateMachine['root']): { src: string; state: string } | undefined => {
    for (const invoke of node.invoke) {
      if (typeof invoke.src === 'string' && !known.has(invoke.src)) return { src: invoke.src, state: node.path.join('.') || '(root)' };
    }
    for (const child of Object.values(node.states)) {
      const found = visit(child as AnyStateMachine['root']);
      if (found) return found;
    }
    return undefined;
  };
  return visit(machine.root);
}

/** Hashes every state path and each flow's declared version: a new state or a renamed one changes it. */
function fingerprint(router: RouterDefinition, flows: FlowDefinition[]): string {
  const shape = (machine: AnyStateMachine) => {
    const paths: string[] = [];
    const visit = (node: AnyStateMachine['root']) => {
      paths.push(node.path.join('.'));
      for (const child of Object.values(node.states)) visit(child as AnyStateMachine['root']);
    };
    visit(machine.root);
    return paths.join(',');
  };
  const hash = createHash('sha256');
  hash.update(`router@${router.version}:${shape(router.machine)}`);
  for (const definition of [...flows].sort((a, b) => a.id.localeCompare(b.id))) hash.update(`|${definition.id}@${definition.version}:${shape(definition.machine)}`);
  return hash.digest('hex').slice(0, 16);
}

/**
 * Whether the router reacts to `eventType` in some state (or to every event, "*"). A flow's `flow.offerHuman` hands a
 * new question back with `message.handedBack`; a router without that transition would drop it, so start-up warns.
 */
export function routerHandles(router: RouterDefinition, eventType: string): boolean {
  const visit = (node: AnyStateMachine['root']): boolean =>
    Object.keys(node.config.on ?? {}).some((type) => type === eventType || type === '*') || Object.values(node.states).some(visit);
  return visit((router.machine as AnyStateMachine).root);
}
