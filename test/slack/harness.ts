import { createHmac, randomUUID } from 'node:crypto';
import type { App } from '@slack/bolt';
import type { Hono } from 'hono';
import { createHttpApp } from '../../src/http/app.ts';
import { createLogger, type Logger } from '../../src/logger.ts';
import { startSlackBot, type SlackBot } from '../../src/slack/bot.ts';
import type { RecordedEvent } from '../../src/eventstore/port.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { checkAcknowledgement } from './block-kit.ts';
import { startFakeSlack, type FakeSlack } from './fake-slack.ts';

export const signingSecret = 'test-signing-secret-0123456789abcdef';
export const teamId = 'T0TEAM';
export const staffUser = { id: 'U0STAFF', name: 'sam.staff' };
export const staffChannel = 'C0STAFF';
export const alertsChannel = 'C0ALERTS';

export interface SlackHarness {
  readonly app: TestApp;
  readonly fake: FakeSlack;
  readonly bot: SlackBot;
  readonly http: Hono;
  /** Sends a signed request and waits until everything it started has finished. */
  send(request: SignedRequest, options?: SignOptions): Promise<Response>;
  allEvents(): Promise<RecordedEvent[]>;
  dispose(): Promise<void>;
}

export interface SignedRequest {
  readonly body: string;
  readonly contentType: string;
}

export interface SignOptions {
  readonly timestamp?: number;
  readonly signature?: string;
  readonly headers?: Record<string, string>;
}

export async function createSlackHarness(
  env: Record<string, string> = {},
  options: { logger?: Logger; registerListeners?: (bolt: App) => void } = {},
): Promise<SlackHarness> {
  const fake = await startFakeSlack();
  const app = await createTestApp({
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_SIGNING_SECRET: signingSecret,
    SLACK_TEAM_ID: teamId,
    SLACK_STAFF_USER_IDS: staffUser.id,
    SLACK_STAFF_CHANNEL_ID: staffChannel,
    SLACK_API_URL: fake.apiUrl,
    ...env,
  });
  const bot = await startSlackBot(app, app.config.slack!, {
    logger: options.logger ?? createLogger('silent'),
    alertsPollIntervalMs: 20,
    ...(options.registerListeners ? { registerListeners: options.registerListeners } : {}),
  });
  const http = createHttpApp(app, { slack: bot.routes! });
  return {
    app,
    fake,
    bot,
    http,
    async send(request, options = {}) {
      const response = await http.request('/slack/events', {
        method: 'POST',
        headers: signedHeaders(request, options),
        body: request.body,
      });
      await bot.settled();
      // What the acknowledgement carries goes to Slack as well, and is held to the same rules.
      if ((response.headers.get('content-type') ?? '').includes('application/json')) {
        const problems = checkAcknowledgement(await response.clone().json());
        if (problems.length > 0) fake.refusals.push({ method: 'acknowledgement', problems });
      }
      return response;
    },
    allEvents: () => app.deps.store.readAll({ after: null, limit: 100_000 }),
    async dispose() {
      await bot.stop();
      await app.dispose();
      await fake.close();
      if (fake.refusals.length > 0)
        throw new Error(`Slack would have refused these payloads:\n${JSON.stringify(fake.refusals, null, 2)}`);
    },
  };
}

export function signedHeaders(request: SignedRequest, options: SignOptions = {}): Record<string, string> {
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const signature =
    options.signature ??
    `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${request.body}`).digest('hex')}`;
  return {
    'content-type': request.contentType,
    'x-slack-request-timestamp': timestamp,
    'x-slack-signature': signature,
    ...options.headers,
  };
}

const form = (fields: Record<string, string>): SignedRequest => ({
  body: new URLSearchParams(fields).toString(),
  contentType: 'application/x-www-form-urlencoded',
});

export function slashCommand(text: string, user = staffUser, team = teamId): SignedRequest {
  return form({
    token: 'legacy',
    team_id: team,
    channel_id: staffChannel,
    user_id: user.id,
    user_name: user.name,
    command: '/clients',
    text,
    response_url: 'http://127.0.0.1:9/commands/1',
    trigger_id: `trigger-${randomUUID()}`,
  });
}

export function buttonClick(
  fake: FakeSlack,
  actionId: string,
  value: string,
  options: { user?: { id: string; name: string }; team?: string; triggerId?: string; channel?: string | null } = {},
): SignedRequest {
  const user = options.user ?? staffUser;
  const team = options.team ?? teamId;
  const channel = options.channel === undefined ? staffChannel : options.channel;
  const payload = {
    type: 'block_actions',
    team: { id: team, domain: 'pets' },
    user: { id: user.id, username: user.name, name: user.name, team_id: team },
    api_app_id: 'A0APP',
    trigger_id: options.triggerId ?? `trigger-${randomUUID()}`,
    ...(channel
      ? {
          channel: { id: channel, name: 'staff' },
          container: { type: 'message', message_ts: '1.2', channel_id: channel, is_ephemeral: true },
        }
      : { container: { type: 'view', view_id: 'V0HOME' } }),
    ...(channel ? { response_url: fake.responseUrl(randomUUID()) } : {}),
    actions: [
      {
        type: 'button',
        action_id: actionId,
        block_id: 'b',
        value,
        action_ts: '1700000000.1',
        text: { type: 'plain_text', text: 'x' },
      },
    ],
  };
  return form({ payload: JSON.stringify(payload) });
}

export function viewSubmission(
  view: { id: string; clientId: string; userName: string; active: boolean; emailNow: boolean; hasEmailBlock?: boolean },
  user = staffUser,
  team = teamId,
): SignedRequest {
  const values: Record<string, unknown> = {
    user_name: { login_editor_user_name: { type: 'plain_text_input', value: view.userName } },
    active: {
      active: {
        type: 'checkboxes',
        selected_options: view.active ? [{ value: 'active', text: { type: 'plain_text', text: 'Login active' } }] : [],
      },
    },
  };
  if (view.hasEmailBlock !== false) {
    values.email_now = {
      email_now: {
        type: 'checkboxes',
        selected_options: view.emailNow ? [{ value: 'email', text: { type: 'plain_text', text: 'Email' } }] : [],
      },
    };
  }
  const payload = {
    type: 'view_submission',
    team: { id: team, domain: 'pets' },
    user: { id: user.id, username: user.name, name: user.name, team_id: team },
    api_app_id: 'A0APP',
    trigger_id: `trigger-${randomUUID()}`,
    view: {
      id: view.id,
      team_id: team,
      type: 'modal',
      callback_id: 'login_editor',
      private_metadata: JSON.stringify({ clientId: view.clientId }),
      state: { values },
      hash: 'h1',
      title: { type: 'plain_text', text: 'System Login Editor' },
      blocks: [],
      app_id: 'A0APP',
      bot_id: 'B0BOT',
      close: null,
      submit: null,
      root_view_id: view.id,
      previous_view_id: null,
      clear_on_close: false,
      notify_on_close: false,
    },
  };
  return form({ payload: JSON.stringify(payload) });
}

export function eventCallback(
  event: Record<string, unknown>,
  options: { eventId?: string; team?: string } = {},
): SignedRequest {
  return {
    contentType: 'application/json',
    body: JSON.stringify({
      token: 'legacy',
      team_id: options.team ?? teamId,
      api_app_id: 'A0APP',
      type: 'event_callback',
      event_id: options.eventId ?? `Ev${randomUUID().replace(/-/g, '').slice(0, 10).toUpperCase()}`,
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [{ team_id: options.team ?? teamId, user_id: 'U0BOT', is_bot: true }],
      event,
    }),
  };
}

export const appHomeOpened = (user = staffUser.id, options: { eventId?: string; team?: string } = {}) =>
  eventCallback({ type: 'app_home_opened', user, channel: 'D0HOME', tab: 'home', event_ts: '1700000000.1' }, options);

/** Every text Slack would show in a channel or the Home tab: what must never hold a secret. */
export function nonEphemeralBodies(fake: FakeSlack): string[] {
  return fake.calls
    .filter((call) =>
      ['chat.postMessage', 'chat.update', 'views.publish', 'views.open', 'views.update'].includes(call.method),
    )
    .map((call) => JSON.stringify(call.body));
}

/** Any modal's submission, with its private metadata and the input values as Slack sends them. */
export function submitView(
  view: { id: string; callbackId: string; privateMetadata: string; values: Record<string, unknown> },
  user = staffUser,
): SignedRequest {
  const payload = {
    type: 'view_submission',
    team: { id: teamId, domain: 'pets' },
    user: { id: user.id, username: user.name, name: user.name, team_id: teamId },
    api_app_id: 'A0APP',
    trigger_id: `trigger-${randomUUID()}`,
    view: {
      id: view.id,
      team_id: teamId,
      type: 'modal',
      callback_id: view.callbackId,
      private_metadata: view.privateMetadata,
      state: { values: view.values },
      hash: 'h1',
      title: { type: 'plain_text', text: 'Latchkey' },
      blocks: [],
      app_id: 'A0APP',
      bot_id: 'B0BOT',
      root_view_id: view.id,
      previous_view_id: null,
    },
  };
  return form({ payload: JSON.stringify(payload) });
}

/** An input block's value as Slack sends it: keyed by block id, then by action id (the same here). */
export const textInput = (blockId: string, value: string) => ({
  [blockId]: { [blockId]: { type: 'plain_text_input', value } },
});
export const checkedInput = (blockId: string, value: string | null) => ({
  [blockId]: {
    [blockId]: {
      type: 'checkboxes',
      selected_options: value ? [{ value, text: { type: 'plain_text', text: value } }] : [],
    },
  },
});
