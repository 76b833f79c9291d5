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
import type { SlackStaffOf } from './staff-settings.ts';

type Reason = StaffAccessEvent['data']['reason'];
type Args = AnyMiddlewareArgs & AllMiddlewareArgs;

export interface AuthorizeStaffOptions {
  readonly settings: Pick<SlackConfig, 'teamId' | 'oauth'>;
  /** The allow-list and staff channel of a business, in its own workspace. */
  readonly staffOf: SlackStaffOf;
  readonly store: EventStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly membershipTtlMs?: number;
}

/**
 * Only staff act: people on the request's business's allow-list or in its staff channel. Both
 * belong to the business's own workspace, so someone listed by one business is nobody in another
 * business's workspace. Anyone else gets a clear refusal where they asked, and the refusal is
 * appended to the log. Channel membership is read with the request's client (the workspace's own
 * bot token) and cached briefly per business, so that a busy minute costs one Web API call; a
 * failure to read it refuses rather than lets through.
 */
export function authorizeStaff({
  settings,
  staffOf,
  store,
  clock,
  logger,
  membershipTtlMs = 60_000,
}: AuthorizeStaffOptions): Middleware<AnyMiddlewareArgs> {
  const members = new Map<string, { readonly ids: ReadonlySet<string>; readonly expiresAt: number }>();

  async function isChannelMember(client: webApi.WebClient, businessId: string, channel: string, userId: string) {
    const key = `${businessId}:${channel}`;
    let cached = members.get(key);
    if (!cached || cached.expiresAt <= Date.now()) {
      cached = { ids: await listMembers(client, channel), expiresAt: Date.now() + membershipTtlMs };
      members.set(key, cached);
    }
    return cached.ids.has(userId);
  }

  async function verdict(args: Args, requester: SlackRequester, businessId: string): Promise<Reason | null> {
    // With OAuth installs, Bolt's authorize (src/slack/business-context.ts) has already refused any
    // workspace that is not installed; every installed one is some business's own.
    if (settings.oauth === null && requester.teamId !== settings.teamId) return 'foreign_team';
    const staff = staffOf(businessId);
    if (staff.staffUserIds.includes(requester.userId)) return null;
    if (!staff.staffChannelId) return 'not_staff';
    try {
      return (await isChannelMember(args.client, businessId, staff.staffChannelId, requester.userId))
        ? null
        : 'not_staff';
    } catch (error) {
      logger.error(
        { err: error, businessId, channel: staff.staffChannelId },
        'could not read the staff channel members',
      );
      return 'membership_unknown';
    }
  }

  async function recordRefusal(requester: SlackRequester, reason: Reason, businessId: string): Promise<void> {
    const event: StaffAccessEvent = {
      type: 'StaffActionRefused',
      data: { slackUserId: requester.userId, teamId: requester.teamId, action: requester.action, reason },
    };
    const commandId = `slack-refusal:${requester.interactionId ?? `${requester.userId}:${clock.now().toISOString()}`}`;
    // The id comes from Slack's id for the interaction, so a replay re-appends the same event: a no-op.
    const context = {
      businessId,
      actor: { kind: 'system', id: 'slack-bot' } as const,
      commandId,
      at: clock.now(),
    };
    await recordEvent(store, staffRefusalsStream, event, context, 'any');
  }

  return async function authorizeStaffMiddleware(args) {
    const requester = describeSlackRequester(args.body);
    if (!requester) return;
    // Without OAuth a foreign workspace still reaches here, with the single workspace's context.
    const businessId = typeof args.context.businessId === 'string' ? args.context.businessId : defaultBusinessId;
    const reason = await verdict(args, requester, businessId);
    if (reason === null) return args.next();
    logger.warn(
      { slackUserId: requester.userId, teamId: requester.teamId, businessId, action: requester.action, reason },
      'refused a Slack request from someone who is not staff',
    );
    await recordRefusal(requester, reason, businessId);
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
