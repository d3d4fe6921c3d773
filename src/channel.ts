import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Channel, Message } from './message.js';

/** A parsed HTTP request as route handlers see it. The raw body is kept: signatures are computed over raw bytes. */
export interface HttpRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
  /** The underlying Node request, for SDKs that want it (botbuilder, Bolt). */
  raw: IncomingMessage;
}

export interface HttpResponse {
  status: number;
  headers?: Record<string, string>;
  /** Objects are sent as JSON; strings and buffers as they are. */
  body?: unknown;
}

/** Returns a response, or `undefined` after writing to `response` itself (server-sent events, SDK handlers). */
export type RouteHandler = (request: HttpRequest, response: ServerResponse) => Promise<HttpResponse | undefined> | HttpResponse | undefined;

export interface RouteOptions {
  /** Largest accepted body in bytes; larger requests get 413 before they are parsed. */
  bodyLimit?: number;
  /**
   * Answer cross-origin requests from the origins in FRONTDESK_WEB_ALLOWED_ORIGINS (preflight included), for APIs a
   * widget on another site calls. Other origins get no CORS headers at all, so browsers refuse them.
   */
  cors?: boolean;
}

/** Where adapters mount their routes on the shared HTTP server. Paths may have `:name` parameters. */
export interface RouteRegistrar {
  get(path: string, handler: RouteHandler, options?: RouteOptions): void;
  post(path: string, handler: RouteHandler, options?: RouteOptions): void;
}

export interface SendReceipt {
  /** The platform's id for the sent message, when it gives one. */
  externalId?: string;
}

/**
 * A channel: verifies and normalizes what its platform sends, and sends outbound messages rendered as well as the
 * platform allows.
 */
export interface ChannelAdapter {
  readonly channel: Channel;
  /**
   * True when customers fetch replies from the transcript (the web API's response, or an event stream that replays
   * from it): a reply is then delivered as soon as it is committed, and `send` is only a live push.
   */
  readonly deliversFromTranscript?: boolean;
  /** verify → parse → normalize → gateway.receive(), on the shared server. */
  mount(routes: RouteRegistrar): void;
  send(message: Message): Promise<SendReceipt>;
  /** Releases timers and connections at shutdown. */
  close?(): Promise<void>;
}
