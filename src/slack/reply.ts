import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { Block } from './blocks/kit.ts';

export type ButtonArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

/**
 * Answers the staff member who clicked, visible to them alone: through the response URL of the
 * message they clicked in, or as an ephemeral message in its channel. Returns false when the
 * click came from somewhere with neither (the Home tab), so callers holding a secret can refuse.
 */
export async function replyPrivately(args: ButtonArgs, message: { text: string; blocks: Block[] }): Promise<boolean> {
  if (args.body.response_url) {
    await args.respond({ response_type: 'ephemeral', replace_original: false, ...message });
    return true;
  }
  const channel = args.body.channel?.id;
  if (channel) {
    await args.client.chat.postEphemeral({ channel, user: args.body.user.id, ...message });
    return true;
  }
  return false;
}
