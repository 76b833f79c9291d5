import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assignLogin } from '../../src/app/logins.ts';
import { createReplayGuard } from '../../src/slack/replay-guard.ts';
import { validateSlackRequest } from '../../src/slack/signature.ts';
import { registerClients, staff } from '../support/app.ts';
import {
  appHomeOpened,
  buttonClick,
  createSlackHarness,
  signedHeaders,
  signingSecret,
  slashCommand,
  type SlackHarness,
} from './harness.ts';

let slack: SlackHarness;

beforeEach(async () => {
  slack = await createSlackHarness();
  await registerClients(slack.app, [
    { clientId: 'c-ada', firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' },
  ]);
  await assignLogin(slack.app.deps, { clientId: 'c-ada', userName: 'ada@example.com' }, { actor: staff });
});
afterEach(() => slack.dispose());

const now = () => Math.floor(Date.now() / 1000);

describe('requests to /slack/events', () => {
  it('are refused when the signature was made with another secret', async () => {
    const request = slashCommand('ada');
    const timestamp = now();
    const forged = `v0=${createHmac('sha256', 'not-the-secret').update(`v0:${timestamp}:${request.body}`).digest('hex')}`;
    const response = await slack.send(request, { timestamp, signature: forged });
    expect(response.status).toBe(401);
  });

  it('are refused when the signature has a different length, without throwing', async () => {
    for (const signature of ['v0=abc', '', `v0=${'f'.repeat(200)}`]) {
      const response = await slack.send(slashCommand('ada'), { signature });
      expect(response.status).toBe(401);
    }
  });

  it('are refused when the body was changed after signing', async () => {
    const signed = slashCommand('ada');
    const headers = signedHeaders(signed);
    const response = await slack.http.request('/slack/events', {
      method: 'POST',
      headers,
      body: signed.body.replace('ada', 'zed'),
    });
    expect(response.status).toBe(401);
  });

  it('are refused when the timestamp is more than five minutes old or ahead', async () => {
    expect((await slack.send(slashCommand('ada'), { timestamp: now() - 6 * 60 })).status).toBe(401);
    expect((await slack.send(slashCommand('ada'), { timestamp: now() + 6 * 60 })).status).toBe(401);
    expect((await slack.send(slashCommand('ada'), { timestamp: now() - 4 * 60 })).status).toBe(200);
  });

  it('are refused without the signing headers', async () => {
    const request = slashCommand('ada');
    const response = await slack.http.request('/slack/events', {
      method: 'POST',
      headers: { 'content-type': request.contentType },
      body: request.body,
    });
    expect(response.status).toBe(401);
  });

  it('have no second effect when replayed byte for byte', async () => {
    const click = buttonClick(slack.fake, 'sessions_revoke', 'c-ada');
    const headers = signedHeaders(click);
    const send = async () => {
      const response = await slack.http.request('/slack/events', { method: 'POST', headers, body: click.body });
      await slack.bot.settled();
      return response;
    };
    expect((await send()).status).toBe(200);
    const eventsAfterFirst = await slack.allEvents();
    const callsAfterFirst = slack.fake.calls.length;
    expect((await send()).status).toBe(200);
    expect(await slack.allEvents()).toHaveLength(eventsAfterFirst.length);
    expect(slack.fake.calls).toHaveLength(callsAfterFirst);
    expect(eventsAfterFirst.filter((event) => event.type === 'SessionsRevoked')).toHaveLength(1);
  });

  it('append nothing new when the same click arrives again freshly signed (after a restart the memory is gone)', async () => {
    const click = buttonClick(slack.fake, 'sessions_revoke', 'c-ada', { triggerId: 'trigger-same' });
    await slack.send(click, { timestamp: now() - 1 });
    await slack.send(click, { timestamp: now() });
    const revoked = (await slack.allEvents()).filter((event) => event.type === 'SessionsRevoked');
    expect(revoked).toHaveLength(1);
  });

  it("handle Slack's retry of an event once", async () => {
    await slack.send(appHomeOpened(undefined, { eventId: 'Ev0SAME' }));
    await slack.send(appHomeOpened(undefined, { eventId: 'Ev0SAME' }), {
      headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' },
    });
    expect(slack.fake.callsTo('views.publish')).toHaveLength(1);
  });

  it('answer the url_verification challenge only when signed', async () => {
    const request = {
      contentType: 'application/json',
      body: JSON.stringify({ type: 'url_verification', token: 't', challenge: 'c-123' }),
    };
    const response = await slack.send(request);
    expect(await response.json()).toEqual({ challenge: 'c-123' });
    expect((await slack.send(request, { signature: 'v0=00' })).status).toBe(401);
  });

  it('refuse a body that is not what Slack sends', async () => {
    expect((await slack.send({ contentType: 'application/json', body: '{not json' })).status).toBe(400);
    expect((await slack.send({ contentType: 'text/plain', body: 'hello' })).status).toBe(400);
  });
});

describe('validateSlackRequest', () => {
  const body = 'token=x&text=hi';
  const sign = (timestamp: string) =>
    `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  const nowMs = 1_700_000_000_000;

  it('accepts a signature made with the secret within the window', () => {
    const timestamp = String(nowMs / 1000 - 299);
    expect(
      validateSlackRequest({
        signingSecret,
        timestampHeader: timestamp,
        signatureHeader: sign(timestamp),
        rawBody: body,
        nowMs,
      }).ok,
    ).toBe(true);
  });

  it('names why it refused', () => {
    const stale = String(nowMs / 1000 - 301);
    expect(
      validateSlackRequest({
        signingSecret,
        timestampHeader: stale,
        signatureHeader: sign(stale),
        rawBody: body,
        nowMs,
      }),
    ).toEqual({ ok: false, reason: 'stale_timestamp' });
    expect(
      validateSlackRequest({ signingSecret, timestampHeader: 'soon', signatureHeader: 'v0=1', rawBody: body, nowMs }),
    ).toEqual({ ok: false, reason: 'missing_headers' });
    const fresh = String(nowMs / 1000);
    expect(
      validateSlackRequest({
        signingSecret,
        timestampHeader: fresh,
        signatureHeader: `${sign(fresh)}0`,
        rawBody: body,
        nowMs,
      }),
    ).toEqual({ ok: false, reason: 'bad_signature' });
  });
});

describe('the replay guard', () => {
  it('forgets keys after the window, when a replay would fail the clock check anyway', () => {
    const guard = createReplayGuard({ windowMs: 1_000 });
    expect(guard.firstSighting('a', 0)).toBe(true);
    expect(guard.firstSighting('a', 999)).toBe(false);
    expect(guard.firstSighting('a', 1_001)).toBe(true);
  });

  it('stays within its bound by forgetting the oldest keys first', () => {
    const guard = createReplayGuard({ windowMs: 60_000, maxEntries: 2 });
    guard.firstSighting('a', 0);
    guard.firstSighting('b', 1);
    guard.firstSighting('c', 2);
    expect(guard.firstSighting('c', 3)).toBe(false);
    expect(guard.firstSighting('a', 4)).toBe(true);
  });
});
