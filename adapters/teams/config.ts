import { z } from 'zod';
import { FrontdeskError, readEnv } from '../../src/index.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const APP_TYPES = { multitenant: 'MultiTenant', singletenant: 'SingleTenant', userassignedmsi: 'UserAssignedMSI' } as const;

// botbuilder's own variable names, so a bot configured for any botbuilder sample works here unchanged.
const TeamsEnv = z.object({
  MicrosoftAppId: z.string().regex(GUID, 'must be the Application (client) ID of the bot\'s Azure app registration, a GUID like 00000000-0000-0000-0000-000000000000').optional(),
  // Never validated by content: readEnv would echo a rejected value, and this one is a secret.
  MicrosoftAppPassword: z.string().optional(),
  MicrosoftAppType: z
    .string()
    .transform((value, context) => {
      const type = APP_TYPES[value.toLowerCase() as keyof typeof APP_TYPES];
      if (!type) context.addIssue({ code: 'custom', message: 'must be SingleTenant, MultiTenant or UserAssignedMSI' });
      return type ?? 'MultiTenant';
    })
    .optional(),
  MicrosoftAppTenantId: z.string().regex(GUID, 'must be the Directory (tenant) ID of the app registration, a GUID').optional(),
  FRONTDESK_TEAMS_EMULATOR: z.enum(['0', '1', 'true', 'false'], { error: 'must be 1 (on) or 0 (off)' }).optional(),
});

const descriptions: Record<string, string> = {
  MicrosoftAppId: 'the Azure Bot\'s Microsoft App ID; Teams signs every request for it',
  MicrosoftAppPassword: 'the client secret of the bot\'s app registration, used to get a token for replies',
  MicrosoftAppType: 'how the bot\'s identity was created in Azure: SingleTenant, MultiTenant or UserAssignedMSI',
  MicrosoftAppTenantId: 'the Azure tenant of the bot\'s app registration (needed for SingleTenant and UserAssignedMSI)',
  FRONTDESK_TEAMS_EMULATOR: 'a local-testing switch that lets Teams run without an app id, and so without authentication',
};

export interface TeamsConfig {
  appId?: string;
  appPassword?: string;
  appType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
  tenantId?: string;
  /** Only true when explicitly asked for; with no app id it means "accept unauthenticated requests". */
  isEmulator: boolean;
}

const isOn = (value: string | undefined) => value === '1' || value === 'true';
const isSet = (value: string | undefined) => value !== undefined && value.trim() !== '';

/**
 * Teams is on when it has an app id or emulator mode is asked for. A password or tenant without an app id also turns
 * it on, so the half-configured case fails loudly at start-up instead of silently running without Teams.
 */
export function isTeamsConfigured(env: NodeJS.ProcessEnv): boolean {
  return isSet(env.MicrosoftAppId) || isSet(env.MicrosoftAppPassword) || isSet(env.MicrosoftAppTenantId) || isOn(env.FRONTDESK_TEAMS_EMULATOR?.trim());
}

/**
 * Reads and checks the Teams settings.
 *
 * @param options.hasCredentialsOverride - tests pass their own outbound credentials, so no password is needed.
 */
export function readTeamsConfig(env: NodeJS.ProcessEnv, options: { hasCredentialsOverride?: boolean } = {}): TeamsConfig {
  const parsed = readEnv(TeamsEnv, env, descriptions);
  const config: TeamsConfig = {
    appId: parsed.MicrosoftAppId,
    appPassword: parsed.MicrosoftAppPassword,
    appType: parsed.MicrosoftAppType ?? 'MultiTenant',
    tenantId: parsed.MicrosoftAppTenantId,
    isEmulator: isOn(parsed.FRONTDESK_TEAMS_EMULATOR),
  };

  if (!config.appId) {
    if (!config.isEmulator) {
      throw new FrontdeskError(
        'config_missing',
        'MicrosoftAppId is not set, but other Teams settings are. Without an app id botbuilder switches authentication off and ' +
          'accepts unauthenticated requests from anyone, so Frontdesk refuses to start Teams like that. Set MicrosoftAppId to the ' +
          'Microsoft App ID of your Azure Bot (see docs/channels/teams.md), or, only for local testing with the Bot Framework ' +
          'Emulator, set FRONTDESK_TEAMS_EMULATOR=1 on purpose.',
        { details: { variable: 'MicrosoftAppId' } },
      );
    }
    if (env.NODE_ENV === 'production') {
      throw new FrontdeskError(
        'config_invalid',
        'FRONTDESK_TEAMS_EMULATOR=1 with no MicrosoftAppId turns Teams authentication off, and NODE_ENV is "production". ' +
          'Set MicrosoftAppId and MicrosoftAppPassword for a real bot, or unset FRONTDESK_TEAMS_EMULATOR.',
        { details: { variable: 'FRONTDESK_TEAMS_EMULATOR' } },
      );
    }
    return config;
  }

  if ((config.appType === 'SingleTenant' || config.appType === 'UserAssignedMSI') && !config.tenantId) {
    throw new FrontdeskError(
      'config_missing',
      `MicrosoftAppTenantId is not set. A ${config.appType} bot gets its tokens from its own tenant. Copy the Directory (tenant) ID ` +
        'from the app registration\'s Overview page in the Azure portal into .env.',
      { details: { variable: 'MicrosoftAppTenantId' } },
    );
  }
  if (config.appType === 'UserAssignedMSI' && config.appPassword) {
    throw new FrontdeskError(
      'config_invalid',
      'MicrosoftAppPassword is set, but a UserAssignedMSI bot has no password: it uses its managed identity. Unset MicrosoftAppPassword, ' +
        'or set MicrosoftAppType to SingleTenant if the bot has a client secret.',
      { details: { variable: 'MicrosoftAppPassword' } },
    );
  }
  if (config.appType !== 'UserAssignedMSI' && !config.appPassword && !options.hasCredentialsOverride) {
    throw new FrontdeskError(
      'config_missing',
      'MicrosoftAppPassword is not set. The bot needs its client secret to get a token before it can reply in Teams. Create one under ' +
        'Certificates & secrets in the bot\'s app registration and put it in .env.',
      { details: { variable: 'MicrosoftAppPassword' } },
    );
  }
  return config;
}
