import type { App, Receiver, ReceiverEvent } from '@slack/bolt';
import { FrontdeskError, isFrontdeskError, type HttpRequest, type HttpResponse, type Logger } from '../../src/index.js';
import { verifySlackSignature } from './verify.js';

/** Slack waits 3 s for the HTTP answer, then retries; answering by 2.5 s leaves room for the network. */
const DEFAULT_ACK_DEADLINE_MILLISECONDS = 2500;

export interface SharedServerReceiverOptions {
  signingSecret: string;
  now: () => number;
  logger: Logger;
  ackDeadlineMilliseconds?: number;
}

type Outcome = { kind: 'done' } | { kind: 'failed'; error: unknown } | { kind: 'acked' } | { kind: 'deadline' };

/** Bolt wraps listener errors; the original tells whether the journal failed (503, so Slack retries) or something else did. */
function originalError(error: unknown): unknown {
  let current = error as { original?: unknown; errors?: unknown[] } | undefined;
  for (let depth = 0; depth < 3 && current; depth++) {
    if (isFrontdeskError(current)) return current;
    if (Array.isArray(current.errors)) return current.errors.find((item) => isFrontdeskError(item)) ?? current;
    if (current.original === undefined) break;
    current = current.original as typeof current;
  }
  return current;
}

/** Events, interactive payloads and slash commands all arrive at one URL; each has its own body format. */
function parseBody(request: HttpRequest): Record<string, unknown> {
  const type = String(request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const text = request.rawBody.toString('utf8');
  try {
    if (type === 'application/json') {
      const parsed: unknown = JSON.parse(text);
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      return parsed as Record<string, unknown>;
    }
    if (type === 'application/x-www-form-urlencoded') {
      const form = new URLSearchParams(text);
      const payload = form.get('payload');
      // Interactivity sends one `payload` field holding JSON; slash commands send plain form fields.
      if (payload !== null) {
        const parsed: unknown = JSON.parse(payload);
        if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
        return parsed as Record<string, unknown>;
      }
      return Object.fromEntries(form);
    }
  } catch {
    throw new FrontdeskError('body_invalid', 'The Slack request body could not be parsed.');
  }
  throw new FrontdeskError('body_invalid', `Slack sends application/json or application/x-www-form-urlencoded, not "${type || 'no content type'}".`);
}

const retryNumber = (value: string | string[] | undefined) => {
  const parsed = Number.parseInt(Array.isArray(value) ? value[0]! : (value ?? ''), 10);
  return Number.isNaN(parsed) ? undefined : parsed;
};

/**
 * A Bolt receiver that lives on Frontdesk's own HTTP server instead of starting one. It verifies the signature (both
 * directions of the 5-minute window), answers `url_verification`, and hands everything else to `app.processEvent`.
 *
 * When it answers: Events API deliveries once the listener has journaled them (so a 2xx means "safe", and a failed
 * journal write answers 503 for Slack to retry); buttons and commands as soon as the listener acknowledges, so the
 * staff member's click feels instant while the work continues. Either way by the deadline, inside Slack's 3 s.
 */
export class SharedServerReceiver implements Receiver {
  private app?: App;
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly deadline: number;

  constructor(private readonly options: SharedServerReceiverOptions) {
    this.deadline = options.ackDeadlineMilliseconds ?? DEFAULT_ACK_DEADLINE_MILLISECONDS;
  }

  init(app: App): void {
    this.app = app;
  }

  // The shared server listens; Bolt has nothing to start or stop.
  async start(): Promise<void> {}
  async stop(): Promise<void> {
    await this.idle();
  }

  /** Resolves when every event handed to Bolt has finished (shutdown, tests). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  async handle(request: HttpRequest): Promise<HttpResponse> {
    verifySlackSignature(request, this.options.signingSecret, this.options.now());
    const body = parseBody(request);
    if (body.type === 'url_verification' && typeof body.challenge === 'string') return { status: 200, body: { challenge: body.challenge } };
    if (body.ssl_check === '1') return { status: 200 };
    if (!this.app) throw new FrontdeskError('channel_unavailable', 'The Slack app is still starting; Slack will retry.');

    let ackBody: unknown;
    let isAcked = false;
    let onAck!: () => void;
    const acked = new Promise<Outcome>((resolve) => (onAck = () => resolve({ kind: 'acked' })));
    const event: ReceiverEvent = {
      body,
      retryNum: retryNumber(request.headers['x-slack-retry-num']),
      retryReason: typeof request.headers['x-slack-retry-reason'] === 'string' ? request.headers['x-slack-retry-reason'] : undefined,
      customProperties: {},
      ack: async (response?: unknown) => {
        if (isAcked) return;
        isAcked = true;
        ackBody = response;
        onAck();
      },
    };
    const processing = this.app.processEvent(event);
    this.inFlight.add(processing);
    const settled = processing.then<Outcome, Outcome>(() => ({ kind: 'done' }), (error: unknown) => ({ kind: 'failed', error: originalError(error) }));
    void settled.finally(() => this.inFlight.delete(processing));

    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<Outcome>((resolve) => (timer = setTimeout(() => resolve({ kind: 'deadline' }), this.deadline)));
    const isEvent = body.type === 'event_callback';
    const outcome = await Promise.race(isEvent ? [settled, deadline] : [settled, acked, deadline]).finally(() => clearTimeout(timer));

    if (outcome.kind === 'failed') {
      const error = outcome.error;
      if (isFrontdeskError(error, 'store_failed')) throw error;
      this.options.logger.error({ err: isFrontdeskError(error) ? error : { name: (error as Error)?.name, code: (error as { code?: unknown })?.code }, bodyType: body.type }, 'a Slack request failed while being handled');
      if (!isAcked) throw new FrontdeskError('internal', 'The Slack request could not be handled.');
    }
    if (outcome.kind === 'deadline') this.options.logger.warn({ bodyType: body.type, isAcked }, 'a Slack request took longer than the acknowledgement deadline; answered 200 and kept working');
    if (ackBody === undefined || ackBody === '') return { status: 200 };
    return typeof ackBody === 'string' ? { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: ackBody } : { status: 200, body: ackBody };
  }
}
