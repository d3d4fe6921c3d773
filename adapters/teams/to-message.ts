import { createHash } from 'node:crypto';
import { TurnContext, type Activity } from 'botbuilder';
import { z } from 'zod';
import { FrontdeskError, type InboundMessage } from '../../src/index.js';

const MAX_TEXT = 4000;
const MAX_EXTERNAL_ID = 200;
const MAX_CONVERSATION_KEY = 300;

const Account = z.looseObject({
  id: z.string({ error: 'must be a string' }).min(1, 'must not be empty').max(500, 'must be at most 500 characters'),
  name: z.string().max(1000).optional(),
  aadObjectId: z.string().max(200).optional(),
});

/**
 * What we check before botbuilder sees the body: botbuilder itself rejects a missing `type` by throwing, and a missing
 * `serviceUrl` or conversation would only fail later, deep inside a reply.
 */
const ActivityBody = z
  .looseObject({
    type: z.string({ error: 'is required: the activity type, e.g. "message"' }).min(1, 'must not be empty').max(100),
    id: z.string({ error: 'must be a string' }).min(1, 'must not be empty').max(1000).optional(),
    channelId: z.string({ error: 'is required: the Bot Framework channel, e.g. "msteams"' }).min(1, 'must not be empty').max(100),
    serviceUrl: z.url({ protocol: /^https?$/, error: 'is required: the http(s) URL of the channel\'s connector' }),
    conversation: z.looseObject({
      id: z.string({ error: 'is required: the conversation id' }).min(1, 'must not be empty').max(2000),
      conversationType: z.string().max(100).optional(),
      tenantId: z.string().max(200).optional(),
    }, { error: 'is required: an object with the conversation id' }),
    from: Account.optional(),
    recipient: Account.optional(),
    text: z.string({ error: 'must be a string' }).optional(),
    replyToId: z.string({ error: 'must be a string' }).max(1000).optional(),
    membersAdded: z.array(Account, { error: 'must be a list of accounts' }).max(1000).optional(),
  })
  .superRefine((activity, context) => {
    if (activity.type !== 'message') return;
    if (!activity.id) context.addIssue({ code: 'custom', path: ['id'], message: 'is required on a message activity: it is how a re-delivery is recognised' });
    if (!activity.from) context.addIssue({ code: 'custom', path: ['from'], message: 'is required on a message activity: the sender' });
  });

export type ActivityBody = z.infer<typeof ActivityBody> & Partial<Activity>;

/** Parses the JSON body as an activity; a problem becomes a 400 naming the field, never a stack trace. */
export function parseActivity(body: unknown): ActivityBody {
  const parsed = ActivityBody.safeParse(body);
  if (parsed.success) return body as ActivityBody;
  const issue = parsed.error.issues[0]!;
  const where = issue.path.length > 0 ? `"${issue.path.join('.')}"` : 'The body';
  const message = issue.path.length === 0 && issue.code === 'invalid_type' ? 'must be a JSON object (a Bot Framework activity)' : issue.message;
  throw new FrontdeskError('body_invalid', `${where} ${message}.`);
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Keys sorted at every level, so the same card submission always hashes the same however Teams orders its fields. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Long ids are hashed rather than cut, so two different ones never collide on a shared prefix. */
const bounded = (value: string, limit: number) => (value.length <= limit ? value : `sha256:${sha256(value)}`);

/** The Teams conversation id as Frontdesk's conversation key (also the key of the stored conversation reference). */
export const conversationKeyOf = (activity: Pick<Activity, 'conversation'>) => bounded(activity.conversation.id, MAX_CONVERSATION_KEY);

/** The person as Frontdesk knows them: the Entra object id is stable across the bot's conversations; the channel id is not always. */
export const customerOf = (account: { id: string; name?: string; aadObjectId?: string }) => ({
  customerKey: bounded(account.aadObjectId || account.id, 300),
  customerName: account.name ? account.name.slice(0, 200) : undefined,
});

/**
 * A customer's message activity as an InboundMessage, or `undefined` when there is nothing to act on (an empty
 * message, a card submission without a `text` field).
 *
 * Dedupe: Teams re-sends a slow activity with the same id, so `activity.id` is the key. A card button pressed twice,
 * or re-posted by Teams with a fresh id, carries the same value in reply to the same card, so submissions are keyed by
 * conversation + replyToId + a hash of the value instead (RELIABILITY.md: duplicate Action.Submit postbacks).
 */
export function toInboundMessage(activity: ActivityBody): InboundMessage | undefined {
  // In channels and group chats the text starts with "<at>Bot</at>"; the flows should see only what the person asked.
  const typed = (activity.entities?.length ? TurnContext.removeRecipientMention(activity) : activity.text)?.trim() ?? '';
  const submitted = typeof activity.value === 'object' && activity.value !== null ? (activity.value as Record<string, unknown>).text : undefined;
  const isSubmission = typed === '' && activity.value !== undefined;

  let text: string;
  let externalId: string;
  if (!isSubmission) {
    text = typed;
    externalId = bounded(activity.id!, MAX_EXTERNAL_ID);
  } else {
    if (typeof submitted !== 'string' || submitted.trim() === '') return undefined;
    text = submitted.trim();
    externalId = `submit:${sha256(`${activity.conversation.id}\n${activity.replyToId ?? ''}\n${canonicalJson(activity.value)}`)}`;
  }
  const attachments = (activity.attachments ?? [])
    // Teams repeats every message's text as a text/html attachment; it adds nothing.
    .filter((attachment) => attachment.contentUrl && !attachment.contentType?.startsWith('text/html') && URL.canParse(attachment.contentUrl))
    .slice(0, 10)
    .map((attachment) => ({ url: attachment.contentUrl!, contentType: attachment.contentType, ...(attachment.name && { name: attachment.name.slice(0, 200) }) }));
  if (text === '' && attachments.length === 0) return undefined;

  return {
    channel: 'teams',
    externalId,
    conversationKey: conversationKeyOf(activity),
    ...customerOf(activity.from!),
    text: text.slice(0, MAX_TEXT),
    ...(attachments.length > 0 && { attachments }),
    channelData: {
      activityId: activity.id,
      ...(isSubmission && { isCardSubmission: true }),
      ...(text.length > MAX_TEXT && { truncatedFrom: text.length }),
    },
  };
}
