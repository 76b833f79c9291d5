import type { types } from '@slack/bolt';
import type { StaffAccessEvent } from '../../domain/staff-access.ts';
import { plain, section } from './kit.ts';

export function refusalText(reason: StaffAccessEvent['data']['reason']): string {
  switch (reason) {
    case 'not_staff':
      return 'Sorry, only staff can use Latchkey. If you are staff, ask an admin to add you to the staff channel or the staff list. This attempt was recorded.';
    case 'foreign_team':
      return 'Sorry, Latchkey only works in its own Slack workspace. This attempt was recorded.';
    case 'membership_unknown':
      return "I couldn't check whether you are staff just now. Try again in a minute.";
  }
}

export const refusalModal = (text: string): types.ModalView => ({
  type: 'modal',
  title: plain('Latchkey'),
  close: plain('Close'),
  blocks: [section(text)],
});
export const refusalHome = (text: string): types.HomeView => ({ type: 'home', blocks: [section(text)] });
