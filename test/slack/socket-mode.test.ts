import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { createLogger } from '../../src/logger.ts';
import { startSlackBot, type SlackBot } from '../../src/slack/bot.ts';
import { createTestApp, registerClients, type TestApp } from '../support/app.ts';
import { checkAcknowledgement } from './block-kit.ts';
import { startFakeSlack, type FakeSlack } from './fake-slack.ts';
import { staffUser, teamId } from './harness.ts';

/**
 * Socket Mode against a local stand-in for Slack's websocket endpoint: apps.connections.open on
 * the fake Web API hands out a ws:// address, where a WebSocket server speaks Slack's envelope
 * protocol (a hello, then envelopes that the app acknowledges by envelope id).
 */
let fake: FakeSlack;
let sockets: WebSocketServer;
let app: TestApp;
let bot: SlackBot | null = null;
const connected: WebSocket[] = [];

beforeEach(async () => {
  fake = await startFakeSlack();
  sockets = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise<void>((resolve) => sockets.once('listening', resolve));
  fake.socketModeUrl = `ws://127.0.0.1:${(sockets.address() as AddressInfo).port}/link`;
  sockets.on('connection', (socket) => {
    connected.push(socket);
    socket.send(
      JSON.stringify({
        type: 'hello',
        num_connections: 1,
        debug_info: { host: 'fake', approximate_connection_time: 3600 },
        connection_info: { app_id: 'A0APP' },
      }),
    );
  });
  app = await createTestApp({
    SLACK_SOCKET_MODE: 'true',
    SLACK_APP_TOKEN: 'xapp-test-token',
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_TEAM_ID: teamId,
    SLACK_STAFF_USER_IDS: staffUser.id,
    SLACK_API_URL: fake.apiUrl,
  });
  await registerClients(app, [{ clientId: 'c-ada', firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' }]);
});
afterEach(async () => {
  await bot?.stop();
  for (const socket of connected.splice(0)) socket.terminate();
  await new Promise<void>((resolve) => sockets.close(() => resolve()));
  await app.dispose();
  await fake.close();
  expect(fake.refusals).toEqual([]);
});

const nextMessage = (socket: WebSocket) =>
  new Promise<Record<string, unknown>>((resolve) =>
    socket.once('message', (data: Buffer) => resolve(JSON.parse(data.toString('utf8')) as Record<string, unknown>)),
  );

describe('Socket Mode', () => {
  it('starts without waiting for Slack, then connects through SLACK_API_URL and answers a slash command', async () => {
    let release!: () => void;
    fake.socketModeGate = new Promise<void>((resolve) => (release = resolve));
    // Slack does not answer apps.connections.open yet: the bot starts anyway, so the site can serve.
    bot = await startSlackBot(app, app.config.slack!, { logger: createLogger('silent') });
    expect(bot.routes).toBeNull();
    // It asked the fake (SLACK_API_URL) for the websocket address, and is still waiting for it.
    await fake.called('apps.connections.open');
    expect(connected).toHaveLength(0);

    const connection = new Promise<WebSocket>((resolve) => sockets.once('connection', resolve));
    release();
    const socket = await connection;
    const answer = nextMessage(socket);
    socket.send(
      JSON.stringify({
        envelope_id: 'env-1',
        type: 'slash_commands',
        accepts_response_payload: true,
        payload: {
          token: 'legacy',
          team_id: teamId,
          channel_id: 'C0STAFF',
          user_id: staffUser.id,
          user_name: staffUser.name,
          command: '/clients',
          text: 'lovelace',
          response_url: fake.responseUrl('socket'),
          trigger_id: 'trigger-socket',
        },
      }),
    );
    const ack = await answer;
    expect(ack.envelope_id).toBe('env-1');
    const payload = ack.payload as { response_type: string; blocks: unknown[] };
    expect(payload.response_type).toBe('ephemeral');
    expect(JSON.stringify(payload.blocks)).toContain('Ada Lovelace');
    expect(checkAcknowledgement(payload)).toEqual([]);
  });
});
