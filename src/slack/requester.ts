import type { Actor } from '../eventstore/port.ts';

/** Who sent a Slack request, from whichever shape of body it came in. */
export interface SlackRequester {
  readonly userId: string;
  readonly userName: string | null;
  readonly teamId: string | null;
  /** What was attempted: the slash command, action id, view callback id or event type. */
  readonly action: string;
  /** Slack's own id for this one interaction: the root of every command id it causes. */
  readonly interactionId: string | null;
}

type Body = Record<string, unknown>;
const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
const record = (value: unknown): Body => (typeof value === 'object' && value !== null ? (value as Body) : {});

export function describeSlackRequester(rawBody: unknown): SlackRequester | null {
  const body = record(rawBody);
  if (typeof body.command === 'string') {
    const userId = text(body.user_id);
    return userId === null
      ? null
      : {
          userId,
          userName: text(body.user_name),
          teamId: text(body.team_id),
          action: body.command,
          interactionId: text(body.trigger_id),
        };
  }
  if (body.type === 'event_callback') {
    const event = record(body.event);
    const userId = text(event.user);
    return userId === null
      ? null
      : {
          userId,
          userName: null,
          teamId: text(body.team_id),
          action: String(event.type),
          interactionId: text(body.event_id),
        };
  }
  const user = record(body.user);
  const userId = text(user.id);
  if (!userId) return null;
  const view = record(body.view);
  const action =
    body.type === 'block_actions'
      ? text(record((body.actions as unknown[] | undefined)?.[0]).action_id)
      : text(view.callback_id);
  return {
    userId,
    userName: text(user.name) ?? text(user.username),
    teamId: text(record(body.team).id) ?? text(user.team_id),
    action: `${String(body.type)}:${action ?? 'unknown'}`,
    interactionId: body.type === 'view_submission' ? text(view.id) : text(body.trigger_id),
  };
}

/** Every event appended on behalf of staff names the Slack user who asked. */
export function staffActor(requester: SlackRequester): Actor {
  return { kind: 'staff', id: requester.userId, name: requester.userName ?? requester.userId };
}

/**
 * A command id derived from Slack's id for the interaction (trigger id, view id, event id): a
 * replayed or retried request derives the same id, so the event store appends nothing new.
 */
export function slackCommandId(requester: SlackRequester, fallback: () => string): string {
  return requester.interactionId ? `slack:${requester.interactionId}` : fallback();
}
