import { defaultBusinessId } from '../domain/business.ts';
import type { AllMiddlewareArgs, AnyMiddlewareArgs, Middleware, webApi } from '@slack/bolt';
import type { Clock } from '../app/clock.ts';
import { recordEvent } from '../app/record-event.ts';
import type { SlackConfig } from '../config.ts';
import { staffRefusalsStream, type StaffAccessEvent } from '../domain/staff-access.ts';
import type { EventStore } from '../eventstore/port.ts';
import type { Logger } from '../logger.ts';
import { refusalHome, refusalModal, refusalText } from './blocks/refusal.ts';
import { describeSlackRequester, type SlackRequester } from './requester.ts';

type Reason = StaffAccessEvent['data']['reason'];
type Args = AnyMiddlewareArgs & AllMiddlewareArgs;

export interface AuthorizeStaffOptions {
  readonly settings: Pick<SlackConfig, 'teamId' | 'staffUserIds' | 'staffChannelId' | 'oauth'>;
  readonly store: EventStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly membershipTtlMs?: number;
}

/**
 * Only staff act: people on the allow-list or in the staff channel, from the configured workspace.
 * Anyone else gets a clear refusal where they asked, and the refusal is appended to the log.
 * Channel membership is cached briefly so that a busy minute costs one Web API call; a failure
 * to read it refuses rather than lets through.
 */
export function authorizeStaff({
  settings,
  store,
  clock,
  logger,
  membershipTtlMs = 60_000,
}: AuthorizeStaffOptions): Middleware<AnyMiddlewareArgs> {
  const allowed = new Set(settings.staffUserIds);
  let members: { readonly ids: ReadonlySet<string>; readonly expiresAt: number } | null = null;

  async function isChannelMember(client: webApi.WebClient, userId: string): Promise<boolean> {
    if (!settings.staffChannelId) return false;
    if (!members || members.expiresAt <= Date.now()) {
      members = { ids: await listMembers(client, settings.staffChannelId), expiresAt: Date.now() + membershipTtlMs };
    }
    return members.ids.has(userId);
  }

  async function verdict(args: Args, requester: SlackRequester): Promise<Reason | null> {
    // With OAuth installs, Bolt's authorize (src/slack/business-context.ts) has already refused any
    // workspace that is not installed; every installed one is some business's own.
    if (settings.oauth === null && requester.teamId !== settings.teamId) return 'foreign_team';
    if (allowed.has(requester.userId)) return null;
    try {
      return (await isChannelMember(args.client, requester.userId)) ? null : 'not_staff';
    } catch (error) {
      logger.error({ err: error, channel: settings.staffChannelId }, 'could not read the staff channel members');
      return 'membership_unknown';
    }
  }

  async function recordRefusal(requester: SlackRequester, reason: Reason): Promise<void> {
    const event: StaffAccessEvent = {
      type: 'StaffActionRefused',
      data: { slackUserId: requester.userId, teamId: requester.teamId, action: requester.action, reason },
    };
    const commandId = `slack-refusal:${requester.interactionId ?? `${requester.userId}:${clock.now().toISOString()}`}`;
    // The id comes from Slack's id for the interaction, so a replay re-appends the same event: a no-op.
    const context = {
      businessId: defaultBusinessId,
      actor: { kind: 'system', id: 'slack-bot' } as const,
      commandId,
      at: clock.now(),
    };
    await recordEvent(store, staffRefusalsStream, event, context, 'any');
  }

  return async function authorizeStaffMiddleware(args) {
    const requester = describeSlackRequester(args.body);
    if (!requester) return;
    const reason = await verdict(args, requester);
    if (reason === null) return args.next();
    logger.warn(
      { slackUserId: requester.userId, teamId: requester.teamId, action: requester.action, reason },
      'refused a Slack request from someone who is not staff',
    );
    await recordRefusal(requester, reason);
    await refuse(args, requester, refusalText(reason));
  };
}

async function listMembers(client: webApi.WebClient, channel: string): Promise<Set<string>> {
  const ids = new Set<string>();
  let cursor: string | undefined;
  do {
    const page = await client.conversations.members({ channel, limit: 1000, ...(cursor ? { cursor } : {}) });
    for (const id of page.members ?? []) ids.add(id);
    cursor = page.response_metadata?.next_cursor || undefined;
  } while (cursor);
  return ids;
}

/** The refusal goes back the way the request came, visible only to the person refused. */
export async function refuse(args: Args, requester: SlackRequester, text: string): Promise<void> {
  const body = args.body as Record<string, unknown>;
  if ('command' in args) return args.ack({ response_type: 'ephemeral', text });
  if (body.type === 'view_submission')
    return (args as Args & { ack: (r: unknown) => Promise<void> }).ack({
      response_action: 'update',
      view: refusalModal(text),
    });
  if ('ack' in args && typeof args.ack === 'function') await (args.ack as () => Promise<void>)();
  if (body.type === 'event_callback') {
    if (requester.action === 'app_home_opened')
      await args.client.views.publish({ user_id: requester.userId, view: refusalHome(text) });
    return;
  }
  if ('respond' in args && typeof args.respond === 'function') {
    await args.respond({ response_type: 'ephemeral', replace_original: false, text });
    return;
  }
  const channel = (body.channel as { id?: string } | undefined)?.id;
  if (channel) await args.client.chat.postEphemeral({ channel, user: requester.userId, text });
}
