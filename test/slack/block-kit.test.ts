import { webApi } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkAcknowledgement, checkMessage, checkView } from './block-kit.ts';
import { startFakeSlack, type FakeSlack } from './fake-slack.ts';

let fake: FakeSlack;
let client: webApi.WebClient;

beforeEach(async () => {
  fake = await startFakeSlack();
  client = new webApi.WebClient('xoxb-test-token', { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
});
afterEach(() => fake.close());

const plain = (text: string) => ({ type: 'plain_text', text });
const button = (actionId: string, extra: Record<string, unknown> = {}) => ({
  type: 'button',
  text: plain('Go'),
  action_id: actionId,
  value: 'v',
  ...extra,
});
const dialog = (text: Record<string, unknown>) => ({
  title: plain('Sure?'),
  text,
  confirm: plain('Yes'),
  deny: plain('No'),
});

/** The Slack error a refused call comes back with (the WebClient throws it as a platform error). */
async function slackError(call: () => Promise<unknown>): Promise<string | null> {
  try {
    await call();
    return null;
  } catch (error) {
    return (error as { data?: { error?: string } }).data?.error ?? String(error);
  }
}

describe('the strict Block Kit check in the fake Slack', () => {
  it('refuses two buttons with one action_id in one actions block, as Slack does', async () => {
    const error = await slackError(() =>
      client.apiCall('chat.postMessage', {
        channel: 'C1',
        text: 'Menu',
        blocks: [{ type: 'actions', block_id: 'menu', elements: [button('start'), button('start')] }],
      }),
    );
    expect(error).toBe('invalid_blocks');
    expect(fake.refusals.splice(0)[0]?.problems.join()).toContain('action_id start is used twice in one block');
  });

  it('refuses mrkdwn in a confirmation dialog', async () => {
    const error = await slackError(() =>
      client.apiCall('chat.postEphemeral', {
        channel: 'C1',
        user: 'U1',
        text: 'Card',
        blocks: [
          {
            type: 'actions',
            elements: [button('issue', { confirm: dialog({ type: 'mrkdwn', text: 'For *Ada*?' }) })],
          },
        ],
      }),
    );
    expect(error).toBe('invalid_blocks');
    expect(fake.refusals.splice(0)[0]?.problems.join()).toContain('confirm.text: must be plain_text');
  });

  it('refuses a modal title of 25 characters and accepts one of 24', async () => {
    const modal = (title: string) => ({ type: 'modal' as const, title: plain(title), blocks: [] });
    const error = await slackError(() =>
      client.apiCall('views.open', { trigger_id: 't1', view: modal('A title of 25 characters.') }),
    );
    expect(error).toBe('invalid_blocks');
    expect(fake.refusals.splice(0)[0]?.problems.join()).toContain('view.title: text is 25 characters, more than 24');
    expect(
      await slackError(() =>
        client.apiCall('views.open', { trigger_id: 't2', view: modal('A title of 24 characters') }),
      ),
    ).toBe(null);
    expect(fake.refusals).toEqual([]);
  });

  it('refuses a response_url body with blocks but no top-level text', async () => {
    const answer = await fetch(fake.responseUrl('r1'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'hi' } }] }),
    });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ ok: false, error: 'invalid_blocks' });
    expect(fake.refusals.splice(0)[0]?.problems.join()).toContain('top-level text is required with blocks');
  });

  it('holds every documented limit', () => {
    const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });
    expect(checkMessage({ text: 'x', blocks: Array.from({ length: 51 }, () => section('a')) })).toEqual([
      'blocks: 51 blocks, more than 50 on a message',
    ]);
    expect(checkView({ type: 'home', blocks: Array.from({ length: 100 }, () => section('a')) }, 'home')).toEqual([]);
    expect(checkView({ type: 'home', blocks: Array.from({ length: 101 }, () => section('a')) }, 'home')).toHaveLength(
      1,
    );
    expect(checkMessage({ text: 'x', blocks: [section('a'.repeat(3001))] }).join()).toContain('more than 3000');
    expect(
      checkMessage({
        text: 'x',
        blocks: [{ type: 'actions', elements: [button('a', { text: plain('b'.repeat(76)) })] }],
      }).join(),
    ).toContain('more than 75');
    expect(
      checkMessage({
        text: 'x',
        blocks: [
          { type: 'divider', block_id: 'same' },
          { type: 'divider', block_id: 'same' },
          { type: 'divider', block_id: 'c'.repeat(256) },
        ],
      }),
    ).toEqual(['blocks[1]: block_id same is used twice', 'blocks[2].block_id: is 256 characters, more than 255']);
    const modal = (extra: Record<string, unknown>) => ({ type: 'modal', title: plain('T'), blocks: [], ...extra });
    expect(checkView(modal({ submit: plain('s'.repeat(25)) }), 'modal').join()).toContain('view.submit');
    expect(checkView(modal({ close: plain('s'.repeat(25)) }), 'modal').join()).toContain('view.close');
    expect(checkView(modal({ private_metadata: 'm'.repeat(3001) }), 'modal').join()).toContain('private_metadata');
    const options = (count: number, text = 'o') =>
      Array.from({ length: count }, (_, i) => ({ text: plain(text), value: `v${i}` }));
    const select = (opts: unknown[]) => ({
      type: 'modal',
      title: plain('T'),
      blocks: [
        {
          type: 'section',
          text: { type: 'mrkdwn', text: 'Pick' },
          accessory: { type: 'static_select', action_id: 'pick', placeholder: plain('Pick'), options: opts },
        },
      ],
    });
    expect(checkView(select(options(100)), 'modal')).toEqual([]);
    expect(checkView(select(options(101)), 'modal').join()).toContain('101 options, more than 100');
    expect(checkView(select(options(1, 'x'.repeat(76))), 'modal').join()).toContain('more than 75');
    // Unique across one view, not only one block.
    const twoBlocks = {
      type: 'home',
      blocks: [
        { type: 'actions', block_id: 'a', elements: [button('same')] },
        { type: 'actions', block_id: 'b', elements: [button('same')] },
      ],
    };
    expect(checkView(twoBlocks, 'home').join()).toContain('used twice in one view');
    expect(checkMessage({ text: 'x', blocks: twoBlocks.blocks })).toEqual([]);
    expect(checkAcknowledgement({ response_type: 'ephemeral', blocks: [section('a')] }).join()).toContain(
      'top-level text is required',
    );
  });
});
