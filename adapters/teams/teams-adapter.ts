import { ActivityTypes, CloudAdapter, TurnContext, type ConversationReference } from 'botbuilder';
import {
  DeliveryError,
  FrontdeskError,
  isFrontdeskError,
  parseJsonBody,
  type ChannelAdapter,
  type ChannelContext,
  type HttpRequest,
  type HttpResponse,
} from '../../src/index.js';
import { createTeamsAuthentication, type TeamsAuthOverrides } from './auth.js';
import { readTeamsConfig } from './config.js';
import { toDeliveryError } from './delivery-errors.js';
import { createProcessShim } from './http-shim.js';
import { createReferenceStore } from './references.js';
import { renderActivity } from './render.js';
import { conversationKeyOf, customerOf, parseActivity, toInboundMessage, type ActivityBody } from './to-message.js';

export type { TeamsAuthOverrides, CredentialsFactory } from './auth.js';

/** Teams caps a message at about 100 KB; 256 KB leaves room for large card submissions and nothing more. */
const TEAMS_BODY_LIMIT = 256 * 1024;
const DEFAULT_SEND_TIMEOUT_MILLISECONDS = 30_000;

export interface TeamsAdapterOptions {
  context: ChannelContext;
  /** Loopback tests only: signing-key locations, token issuer, outbound credentials. Production uses botbuilder's defaults. */
  auth?: TeamsAuthOverrides;
  /** How long one send may take before it counts as failed and is retried (default 30 s). */
  sendTimeoutMilliseconds?: number;
}

const isLoopback = (url: string) => {
  const host = new URL(url).hostname;
  return host === 'localhost' || host === '[::1]' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
};

function withTimeout<T>(promise: Promise<T>, milliseconds: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`no answer within ${milliseconds} ms`), { code: 'ETIMEDOUT' })), milliseconds);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Microsoft Teams (and any other Bot Framework channel) through botbuilder's CloudAdapter: `POST /api/teams/messages`
 * verifies the Bot Framework JWT, journals the message, and answers 200 without waiting for the bot; every reply is
 * then sent proactively from the stored conversation reference, so bot answers and later staff replies share one path.
 *
 * @example
 * const teams = createTeamsAdapter({ context });
 * teams.mount(server.routes);
 */
export function createTeamsAdapter(options: TeamsAdapterOptions): ChannelAdapter {
  const { gateway, store, state, env, now } = options.context;
  const logger = options.context.logger.child({ channel: 'teams' });
  const config = readTeamsConfig(env, { hasCredentialsOverride: Boolean(options.auth?.credentialsFactory) });
  const isUnauthenticated = !config.appId;
  const sendTimeout = options.sendTimeoutMilliseconds ?? DEFAULT_SEND_TIMEOUT_MILLISECONDS;
  const { authentication, failureFor, isSingleRetryLayer } = createTeamsAuthentication(config, options.auth);
  let hasWarnedAboutRetries = false;
  const cloudAdapter = new CloudAdapter(authentication);
  const references = createReferenceStore(state);

  if (isUnauthenticated) {
    logger.warn(
      'Teams is running in emulator mode WITHOUT authentication (FRONTDESK_TEAMS_EMULATOR=1, no MicrosoftAppId): anyone who can reach ' +
        '/api/teams/messages can post as any user. Only activities from a loopback serviceUrl are accepted. Never run this in production.',
    );
  }

  async function handleTurn(turn: TurnContext): Promise<void> {
    const activity = turn.activity as ActivityBody;
    const conversationKey = conversationKeyOf(activity);
    switch (activity.type) {
      case ActivityTypes.Message: {
        // Saved before journaling: the reply may be ready moments later, and it is sent from this reference.
        await references.save(conversationKey, TurnContext.getConversationReference(activity));
        const inbound = toInboundMessage(activity);
        if (!inbound) {
          logger.info({ activityId: activity.id }, 'ignored a Teams message with nothing to act on (no text, or a card submission without a "text" field)');
          return;
        }
        const received = await gateway.receive(inbound);
        // Acknowledge as soon as the message is journaled; the replies go out through delivery, not this response.
        void received.replies.catch(() => undefined);
        logger.debug({ conversationId: received.conversation.id, messageId: received.message.id, isDuplicate: received.isDuplicate }, 'Teams message journaled');
        return;
      }
      case ActivityTypes.ConversationUpdate: {
        const added = activity.membersAdded ?? [];
        if (added.length === 0) return;
        await references.save(conversationKey, TurnContext.getConversationReference(activity));
        const botId = activity.recipient?.id;
        const people = added.filter((member) => member.id !== botId);
        // Installing the bot in a one-to-one chat announces the bot itself; the person to greet is the one who installed it.
        if (people.length === 0 && activity.conversation.conversationType === 'personal' && activity.from && activity.from.id !== botId) people.push(activity.from);
        for (const member of people.slice(0, 20)) {
          const opened = await gateway.openConversation({ channel: 'teams', conversationKey, ...customerOf(member) });
          void opened.replies.catch(() => undefined);
          if (opened.isNew) logger.info({ conversationId: opened.conversation.id }, 'Teams conversation opened; greeting');
        }
        return;
      }
      case ActivityTypes.InstallationUpdate:
        await references.save(conversationKey, TurnContext.getConversationReference(activity));
        return;
      case ActivityTypes.Invoke:
        // Not used by our cards (they use Action.Submit, which arrives as a message), but Teams wants an answer.
        await turn.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status: 200 } });
        return;
      default:
        // typing, messageReaction, endOfConversation…: nothing for the bot to do.
        return;
    }
  }

  async function handleRequest(request: HttpRequest): Promise<HttpResponse> {
    const activity = parseActivity(parseJsonBody(request));
    if (isUnauthenticated && !isLoopback(activity.serviceUrl)) {
      // With authentication off, a forged serviceUrl would make the bot send requests wherever the sender likes.
      logger.warn({ activityType: activity.type }, 'Teams request refused: emulator mode only accepts a loopback serviceUrl');
      throw new FrontdeskError('signature_invalid', 'Emulator mode accepts activities only from a serviceUrl on this machine.');
    }

    const shim = createProcessShim(request, activity);
    const turn: { hasRun: boolean; error?: unknown } = { hasRun: false };
    await cloudAdapter.process(shim.request, shim.response, async (context) => {
      turn.hasRun = true;
      // Caught here so botbuilder neither logs it nor answers with its message; the route maps it below.
      try {
        await handleTurn(context);
      } catch (error) {
        turn.error = error;
      }
    });

    if (turn.error !== undefined) {
      if (isFrontdeskError(turn.error)) throw turn.error;
      throw new FrontdeskError('internal', 'The Teams activity could not be handled.', { cause: turn.error });
    }
    if (!turn.hasRun) {
      // The bot logic runs only after botbuilder accepted the token; anything else is a refusal, whatever status it chose.
      const failure = failureFor(activity) ?? { kind: 'rejected' as const, reason: `botbuilder answered ${shim.captured.status}` };
      if (failure.kind === 'unavailable') {
        logger.error({ reason: failure.reason }, 'could not verify a Teams request: the Bot Framework signing keys could not be loaded');
        throw new FrontdeskError('channel_unavailable', 'The Bot Framework signing keys could not be loaded; try again shortly.');
      }
      logger.warn({ reason: failure.reason, activityType: activity.type }, 'Teams request refused: missing or invalid Bot Framework token');
      throw new FrontdeskError('signature_invalid', 'The Bot Framework token is missing or invalid.');
    }
    return { status: shim.captured.status, ...(shim.captured.body !== undefined && { body: shim.captured.body }) };
  }

  return {
    channel: 'teams',
    mount(routes) {
      routes.post('/api/teams/messages', handleRequest, { bodyLimit: TEAMS_BODY_LIMIT });
    },
    async send(message) {
      const context = { messageId: message.id, conversationId: message.conversationId, now };
      const conversation = await store.getConversation(message.conversationId);
      if (!conversation) throw new DeliveryError(`Conversation ${message.conversationId} is not in the store, so message ${message.id} cannot be sent to Teams.`, { isRetryable: false });
      const reference = await references.load(conversation.conversationKey);
      if (!reference?.conversation || !reference.serviceUrl) {
        throw new DeliveryError(
          `No Teams conversation reference is stored for conversation ${message.conversationId}, so message ${message.id} has nowhere to go. ` +
            'Teams gives the bot one when someone writes to it or installs it in that chat; a bot cannot start a Teams conversation from nothing.',
          { isRetryable: false },
        );
      }
      const activity = renderActivity(message, { conversationType: reference.conversation.conversationType });
      let externalId: string | undefined;
      try {
        await withTimeout(
          cloudAdapter.continueConversationAsync(config.appId ?? '', reference as ConversationReference, async (turn) => {
            externalId = (await turn.sendActivity(activity))?.id;
          }),
          sendTimeout,
        );
      } catch (error) {
        throw toDeliveryError(error, context);
      } finally {
        if (!isSingleRetryLayer() && !hasWarnedAboutRetries) {
          hasWarnedAboutRetries = true;
          logger.warn('could not switch off the Bot Framework connector\'s own retries (botbuilder changed?): a failed send may be retried twice over');
        }
      }
      return externalId ? { externalId } : {};
    },
  };
}
