import { ConfigurationBotFrameworkAuthentication, type Activity, type ConfigurationBotFrameworkAuthenticationOptions } from 'botbuilder';
import type { TeamsConfig } from './config.js';

/** botframework-connector's abstract ServiceClientCredentialsFactory, which botbuilder does not re-export. */
export type CredentialsFactory = NonNullable<ConstructorParameters<typeof ConfigurationBotFrameworkAuthentication>[1]>;

/**
 * Where to find the keys that sign inbound tokens, and how to sign outbound calls. Production leaves all of it unset
 * and gets botbuilder's public-cloud defaults; tests point it at a JWKS on 127.0.0.1.
 */
export interface TeamsAuthOverrides {
  /** OpenID metadata document whose `jwks_uri` lists the channel's signing keys. */
  openIdMetadataUrl?: string;
  /** The same for tokens the Bot Framework Emulator gets from Entra ID. */
  emulatorOpenIdMetadataUrl?: string;
  /** The `iss` inbound channel tokens must carry. */
  tokenIssuer?: string;
  /** Outbound credentials (the bearer token sent to the connector); replaces the MSAL client-secret flow. */
  credentialsFactory?: CredentialsFactory;
}

/** Why botbuilder refused a request: the token is bad (401), or we could not check it right now (503, so the channel retries). */
export type AuthFailure = { kind: 'rejected' | 'unavailable'; reason: string };

// botframework-connector's AuthenticationConstants for the public cloud. Setting any one of the "ToBotFrom…" keys makes
// botbuilder use only the values it is given, so an override must come with the full set.
const PUBLIC_CLOUD = {
  ValidateAuthority: true,
  ToChannelFromBotLoginUrl: 'https://login.microsoftonline.com/botframework.com',
  ToChannelFromBotOAuthScope: 'https://api.botframework.com',
  ToBotFromChannelTokenIssuer: 'https://api.botframework.com',
  OAuthUrl: 'https://api.botframework.com',
  ToBotFromChannelOpenIdMetadataUrl: 'https://login.botframework.com/v1/.well-known/openidconfiguration',
  ToBotFromEmulatorOpenIdMetadataUrl: 'https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration',
  CallerId: 'urn:botframework:azure',
};

type ClaimsIdentity = Parameters<ConfigurationBotFrameworkAuthentication['createConnectorFactory']>[0];

/**
 * The connector client sits on @azure/core-client, whose default pipeline retries 429 and 5xx up to three times on its
 * own. Under our outbox that multiplies attempts and resends ambiguous failures (POST …/activities has no idempotency
 * key), so the "Retry" phase goes. Returns false when the pipeline is not where botbuilder 4.23 keeps it.
 */
function removeRetryPolicy(connector: unknown): boolean {
  const pipeline = (connector as { client?: { pipeline?: { removePolicy?: (options: { phase: string }) => unknown[] } } })?.client?.pipeline;
  if (typeof pipeline?.removePolicy !== 'function') return false;
  pipeline.removePolicy({ phase: 'Retry' });
  return true;
}

const JWT_ERRORS = new Set(['JsonWebTokenError', 'NotBeforeError', 'TokenExpiredError']);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

function classify(error: unknown): AuthFailure {
  const failure = error as { name?: string; message?: string; statusCode?: number; code?: string };
  const reason = String(failure?.message ?? error).slice(0, 300);
  // jsonwebtoken's errors (bad signature, wrong audience…) reach the adapter unwrapped, and it answers them with 500.
  if (failure?.name && JWT_ERRORS.has(failure.name)) return { kind: 'rejected', reason };
  // "Failed to load openID config / Keys" are AuthenticationErrors with status 500: the key server is down, not the token bad.
  if (typeof failure?.statusCode === 'number') return { kind: failure.statusCode >= 500 ? 'unavailable' : 'rejected', reason };
  if (failure?.name === 'FetchError' || (failure?.code && NETWORK_CODES.has(failure.code))) return { kind: 'unavailable', reason };
  return { kind: 'rejected', reason };
}

/**
 * botbuilder's own authentication (JWT signature, issuer, audience, 5-minute skew, endorsements, serviceUrl claim), with
 * each refusal recorded against the activity so the route can answer 401 or 503 instead of the adapter's 500.
 */
export function createTeamsAuthentication(config: TeamsConfig, overrides: TeamsAuthOverrides = {}) {
  const failures = new WeakMap<object, AuthFailure>();
  const hasEndpointOverride = Boolean(overrides.openIdMetadataUrl || overrides.emulatorOpenIdMetadataUrl || overrides.tokenIssuer);
  const settings: ConfigurationBotFrameworkAuthenticationOptions = {
    MicrosoftAppId: config.appId,
    MicrosoftAppPassword: config.appPassword,
    MicrosoftAppType: config.appType,
    MicrosoftAppTenantId: config.tenantId,
    ...(hasEndpointOverride && {
      ...PUBLIC_CLOUD,
      ToBotFromChannelTokenIssuer: overrides.tokenIssuer ?? PUBLIC_CLOUD.ToBotFromChannelTokenIssuer,
      ToBotFromChannelOpenIdMetadataUrl: overrides.openIdMetadataUrl ?? PUBLIC_CLOUD.ToBotFromChannelOpenIdMetadataUrl,
      ToBotFromEmulatorOpenIdMetadataUrl: overrides.emulatorOpenIdMetadataUrl ?? PUBLIC_CLOUD.ToBotFromEmulatorOpenIdMetadataUrl,
    }),
  };

  let hasRetryPolicy = false;

  class RecordingAuthentication extends ConfigurationBotFrameworkAuthentication {
    /** Connector clients for sends, without the Azure SDK's own retries: the outbox is the one retry layer. */
    override createConnectorFactory(claimsIdentity: ClaimsIdentity) {
      const factory = super.createConnectorFactory(claimsIdentity);
      const create = factory.create.bind(factory);
      factory.create = async (serviceUrl: string, audience?: string) => {
        const connector = await create(serviceUrl, audience);
        hasRetryPolicy = !removeRetryPolicy(connector);
        return connector;
      };
      return factory;
    }

    override async authenticateRequest(activity: Activity, authHeader: string) {
      try {
        return await super.authenticateRequest(activity, authHeader);
      } catch (error) {
        // The adapter hands us the very object we gave it as the body, so the route can look the outcome up.
        failures.set(activity, classify(error));
        throw error;
      }
    }
  }

  return {
    authentication: new RecordingAuthentication(settings, overrides.credentialsFactory),
    failureFor: (activity: object) => failures.get(activity),
    /** False once a connector client was created whose built-in retries could not be removed (a botbuilder upgrade). */
    isSingleRetryLayer: () => !hasRetryPolicy,
  };
}
