import { readdirSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ChannelAdapter } from './channel.js';
import type { FrontdeskConfig } from './config.js';
import { FrontdeskError } from './errors.js';
import type { Gateway } from './gateway/gateway.js';
import type { Logger } from './logger.js';
import type { Channel } from './message.js';
import type { ChannelState, Store } from './store/store.js';
import type { ServiceImplementations } from './runtime/conversation-runtime.js';

/** What the core gives a channel when it starts: the gateway to send inbound messages to, and read access. */
export interface ChannelContext {
  gateway: Gateway;
  store: Pick<Store, 'transcript' | 'getConversation' | 'getCustomer' | 'findJournal'>;
  /** This channel's own durable key-value state (opt-outs, conversation references). */
  state: ChannelState;
  config: FrontdeskConfig;
  env: NodeJS.ProcessEnv;
  logger: Logger;
  /** A server-side secret for signing what the channel hands out (web chat tokens). */
  secret: string;
  now: () => number;
  /**
   * The services flows use, for channels that need them too (the staff console's "Suggest a reply" asks
   * `searchKnowledge`; its handoff card shows `lookupCustomer`). Called outside any turn: `context.afterCommit` is not available.
   */
  services: ServiceImplementations;
}

export interface ChannelPlugin {
  readonly channel: Channel;
  /** Whether the environment configures this channel (its credentials are set). */
  isEnabled(env: NodeJS.ProcessEnv): boolean;
  create(context: ChannelContext): ChannelAdapter | Promise<ChannelAdapter>;
}

const pluginBrand = Symbol.for('frontdesk.channel');

/**
 * Declares a channel so `frontdesk start` finds it in `adapters/<channel>/index.ts` and enables it when configured.
 *
 * @example
 * export default defineChannel({ channel: 'sms', isEnabled: (env) => Boolean(env.TWILIO_AUTH_TOKEN), create: (context) => createSmsAdapter(...) });
 */
export function defineChannel(plugin: ChannelPlugin): ChannelPlugin {
  return Object.assign(plugin, { [pluginBrand]: true });
}

/** Loads `adapters/<name>/index.ts` for every folder; the core never imports an adapter by name. */
export async function discoverChannels(adaptersDirectory: string, rootDirectory = process.cwd()): Promise<ChannelPlugin[]> {
  if (!existsSync(adaptersDirectory)) return [];
  const plugins: ChannelPlugin[] = [];
  for (const entry of readdirSync(adaptersDirectory, { withFileTypes: true }).filter((item) => item.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const file = ['index.ts', 'index.js'].map((name) => join(adaptersDirectory, entry.name, name)).find((candidate) => existsSync(candidate));
    if (!file) continue;
    const module = (await import(pathToFileURL(file).href)) as { default?: unknown };
    if (!module.default || typeof module.default !== 'object' || !(pluginBrand in module.default)) {
      throw new FrontdeskError('config_invalid', `${relative(rootDirectory, file)}: the default export must be defineChannel({ channel, isEnabled, create }).`);
    }
    plugins.push(module.default as unknown as ChannelPlugin);
  }
  return plugins;
}
