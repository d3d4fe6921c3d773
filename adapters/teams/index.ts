import { defineChannel, type ChannelPlugin } from '../../src/index.js';
import { isTeamsConfigured } from './config.js';
import type { TeamsAdapterOptions } from './teams-adapter.js';

export type { TeamsAdapterOptions, TeamsAuthOverrides, CredentialsFactory } from './teams-adapter.js';

/**
 * The Teams channel, optionally with auth overrides (tests). `frontdesk start` uses the default export.
 * botbuilder (about 17 MB of heap and half a second to load) is imported only when Teams is configured.
 *
 * @example
 * const teams = createTeamsChannel({ auth: { openIdMetadataUrl: standIn.openIdMetadataUrl, credentialsFactory } });
 */
export function createTeamsChannel(overrides: Omit<TeamsAdapterOptions, 'context'> = {}): ChannelPlugin {
  return defineChannel({
    channel: 'teams',
    isEnabled: isTeamsConfigured,
    create: async (context) => (await import('./teams-adapter.js')).createTeamsAdapter({ ...overrides, context }),
  });
}

export default createTeamsChannel();
