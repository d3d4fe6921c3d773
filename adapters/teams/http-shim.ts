import type { Request, Response } from 'botbuilder';
import type { HttpRequest } from '../../src/index.js';

export interface CapturedResponse {
  status: number;
  body?: unknown;
}

/**
 * The request/response pair `CloudAdapter.process` expects (botbuilder's `Request` and `Response` interfaces, written
 * for Express and Restify), over our plain node:http request. The response only records what the adapter wanted to
 * answer: the route decides what is really sent, so botbuilder's 500-with-the-error-message never reaches the caller.
 */
export function createProcessShim(request: HttpRequest, body: Record<string, unknown>): { request: Request; response: Response; captured: CapturedResponse } {
  const captured: CapturedResponse = { status: 200 };
  const response: Response = {
    socket: request.raw.socket,
    status(code: unknown) {
      captured.status = Number(code);
      return response;
    },
    header() {
      return response;
    },
    send(payload: unknown) {
      captured.body = payload;
      return response;
    },
    end() {
      return response;
    },
  };
  return { request: { method: request.method, headers: request.headers, body }, response, captured };
}
