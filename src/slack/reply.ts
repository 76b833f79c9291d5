import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { Logger } from '../logger.ts';
import type { Block } from './blocks/kit.ts';

export type ButtonArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

/** How a private reply reached the staff member, or null when no way did. */
export type PrivateRoute = 'response_url' | 'ephemeral' | 'direct_message';

export interface PrivateMessage {
  readonly text: string;
  readonly blocks: Block[];
}

/**
 * Answers the staff member who clicked, visible to them alone, trying each way in turn: the
 * response URL of the message they clicked in (it expires after 30 minutes or five uses), an
 * ephemeral message in its channel, and, for anything that is not a secret, the app's direct
 * messages with them (a click in the Home tab or a modal has neither of the others). A secret
 * never goes to direct messages, which keep it in history. Returns the route that worked, or null.
 */
export async function replyPrivately(
  args: ButtonArgs,
  message: PrivateMessage,
  options: { readonly secret?: boolean; readonly logger?: Logger; readonly prefer?: PrivateRoute } = {},
): Promise<PrivateRoute | null> {
  const routes: PrivateRoute[] = ['response_url', 'ephemeral', ...(options.secret ? [] : ['direct_message' as const])];
  const ordered = options.prefer ? [options.prefer, ...routes.filter((route) => route !== options.prefer)] : routes;
  for (const route of ordered) {
    try {
      if (await sendBy(args, route, message)) return route;
    } catch (error) {
      options.logger?.warn({ err: error, route }, 'a private Slack reply failed; trying the next way');
    }
  }
  return null;
}

async function sendBy(args: ButtonArgs, route: PrivateRoute, message: PrivateMessage): Promise<boolean> {
  const { body } = args;
  switch (route) {
    case 'response_url':
      if (!body.response_url) return false;
      await args.respond({ response_type: 'ephemeral', replace_original: false, ...message });
      return true;
    case 'ephemeral': {
      const channel = body.channel?.id;
      if (!channel) return false;
      await args.client.chat.postEphemeral({ channel, user: body.user.id, ...message });
      return true;
    }
    case 'direct_message':
      await args.client.chat.postMessage({ channel: body.user.id, ...message });
      return true;
  }
}
