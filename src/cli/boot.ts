import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { discoverChannels } from '../channel-plugin.js';
import { readConfig, type FrontdeskConfig } from '../config.js';
import { loadFlows, type FlowSet } from '../flow/load-flows.js';
import type { IntentMatch } from '../flow/types.js';
import type { ServiceImplementations } from '../runtime/conversation-runtime.js';

export interface Boot {
  rootDirectory: string;
  config: FrontdeskConfig;
  flows: FlowSet;
  // --- knowledge (issue 4): what `start` and `chat` hand to createFrontdesk once the knowledge is ready ---
  services?: ServiceImplementations;
  classify?: (text: string) => IntentMatch;
  // --- end knowledge ---
}

/** Reads .env (if there is one), the configuration and the flows: what every command needs first. */
export async function boot(rootDirectory = process.cwd()): Promise<Boot> {
  const envFile = resolve(rootDirectory, '.env');
  // Node's own loader (20.12+) rather than dotenv: one less dependency, and variables already set win.
  if (existsSync(envFile)) process.loadEnvFile(envFile);
  const config = readConfig(process.env);
  const flows = await loadFlows(resolve(rootDirectory, config.FRONTDESK_FLOWS_DIR), { rootDirectory });
  return { rootDirectory, config, flows };
}

export const channelsIn = (rootDirectory: string) => discoverChannels(resolve(rootDirectory, 'adapters'), rootDirectory);
