import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import type { CredentialsFactory } from '../../adapters/teams/index.js';

/** The issuer Bot Framework channels put in every token they send a bot. */
export const BOT_FRAMEWORK_ISSUER = 'https://api.botframework.com';
/** The bearer token our test credentials attach to outbound calls, so the stand-in can tell they were signed. */
export const OUTBOUND_TEST_TOKEN = 'outbound-test-token';

export interface RecordedActivity {
  /** Decoded from the path: /v3/conversations/{conversationId}/activities[/{replyToActivityId}]. */
  conversationId: string;
  replyToActivityId?: string;
  authorization?: string;
  headers: IncomingHttpHeaders;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  activity: any;
}

export interface TokenOptions {
  appId: string;
  serviceUrl?: string;
  issuer?: string;
  /** Seconds relative to now; defaults give a token valid from a minute ago for an hour. */
  notBeforeOffsetSeconds?: number;
  expiresInSeconds?: number;
  /** Sign with a key the JWKS does not publish, under the published kid (a forged token). */
  isForged?: boolean;
  kid?: string;
}

export interface BotFrameworkStandIn {
  url: string;
  /** What the adapter's auth overrides need: the OpenID document (whose jwks_uri is ours), and the issuer. */
  openIdMetadataUrl: string;
  /** A Teams-like connector endpoint on this stand-in (with a region path, as Teams' own serviceUrls have). */
  serviceUrl: string;
  received: RecordedActivity[];
  /** A signed RS256 Bot Framework token, as the Teams channel would send it. */
  token(options: TokenOptions): string;
  /** The next `count` connector calls answer this status and headers instead of 200. */
  failNext(count: number, status: number, headers?: Record<string, string>): void;
  /** Waits until at least `count` activities arrived (for `conversationId`, when given). */
  waitForActivities(count: number, options?: { conversationId?: string; timeoutMilliseconds?: number }): Promise<RecordedActivity[]>;
  close(): Promise<void>;
}

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

function signJwt(payload: Record<string, unknown>, privateKey: KeyObject, kid: string): string {
  const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid }));
  const body = base64url(JSON.stringify(payload));
  const signature = sign('sha256', Buffer.from(`${header}.${body}`), privateKey);
  return `${header}.${body}.${base64url(signature)}`;
}

/**
 * The Bot Framework's half of a Teams conversation on 127.0.0.1: an OpenID metadata document and JWKS (an RSA key
 * endorsed for `msteams`), a signer for channel tokens, and a connector `serviceUrl` that records every activity the
 * bot posts and answers `{ id }`.
 *
 * @example
 * const standIn = await startBotFrameworkStandIn();
 * const token = standIn.token({ appId: APP_ID, serviceUrl: standIn.serviceUrl });
 */
export async function startBotFrameworkStandIn(options: { endorsements?: string[] } = {}): Promise<BotFrameworkStandIn> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const forger = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = `stand-in-${randomUUID()}`;
  const received: RecordedActivity[] = [];
  const failures: Array<{ status: number; headers: Record<string, string> }> = [];
  const waiters = new Set<() => void>();
  let sentCount = 0;

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = (request.url ?? '/').split('?')[0]!;
      const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        response.writeHead(status, { 'content-type': 'application/json', ...headers });
        response.end(JSON.stringify(body));
      };
      if (request.method === 'GET' && path === '/openid') return json(200, { issuer: BOT_FRAMEWORK_ISSUER, jwks_uri: `${url}/keys`, id_token_signing_alg_values_supported: ['RS256'] });
      if (request.method === 'GET' && path === '/keys') {
        return json(200, { keys: [{ ...publicKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256', endorsements: options.endorsements ?? ['msteams'] }] });
      }
      const match = /\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(path);
      if (request.method === 'POST' && match) {
        const failure = failures.shift();
        if (failure) return json(failure.status, { error: { code: 'StandInFailure', message: 'injected by the test' } }, failure.headers);
        received.push({
          conversationId: decodeURIComponent(match[1]!),
          replyToActivityId: match[2] ? decodeURIComponent(match[2]) : undefined,
          authorization: request.headers.authorization,
          headers: request.headers,
          activity: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'),
        });
        for (const wake of waiters) wake();
        return json(200, { id: `sent-${++sentCount}` });
      }
      json(404, { error: { code: 'NotFound', message: `${request.method} ${path}` } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    openIdMetadataUrl: `${url}/openid`,
    serviceUrl: `${url}/amer/`,
    received,
    token(tokenOptions) {
      const nowSeconds = Math.floor(Date.now() / 1000);
      return signJwt(
        {
          iss: tokenOptions.issuer ?? BOT_FRAMEWORK_ISSUER,
          aud: tokenOptions.appId,
          ...(tokenOptions.serviceUrl !== undefined && { serviceurl: tokenOptions.serviceUrl }),
          nbf: nowSeconds + (tokenOptions.notBeforeOffsetSeconds ?? -60),
          exp: nowSeconds + (tokenOptions.expiresInSeconds ?? 3600),
          iat: nowSeconds + (tokenOptions.notBeforeOffsetSeconds ?? -60),
        },
        tokenOptions.isForged ? forger.privateKey : privateKey,
        tokenOptions.kid ?? kid,
      );
    },
    failNext(count, status, headers = {}) {
      for (let index = 0; index < count; index++) failures.push({ status, headers });
    },
    waitForActivities(count, waitOptions = {}) {
      const matching = () => received.filter((item) => waitOptions.conversationId === undefined || item.conversationId === waitOptions.conversationId);
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = matching();
          if (found.length < count) return;
          cleanup();
          resolve(found);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`expected ${count} activities at the stand-in connector, got ${matching().length}`));
        }, waitOptions.timeoutMilliseconds ?? 5000);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * Outbound credentials that never call Entra ID: the connector receives `Bearer outbound-test-token`. botbuilder's own
 * factory would ask login.microsoftonline.com for a token, which a loopback test cannot reach.
 */
export function createTestCredentialsFactory(appId: string): CredentialsFactory {
  return {
    isValidAppId: async (id: string) => id === appId,
    isAuthenticationDisabled: async () => false,
    createCredentials: async () => ({
      signRequest: async (webResource: { headers: { set(name: string, value: string): void } }) => {
        webResource.headers.set('authorization', `Bearer ${OUTBOUND_TEST_TOKEN}`);
        return webResource;
      },
    }),
  } as unknown as CredentialsFactory;
}
