import type { MailHistoryEntry } from '../projections/mail-status.ts';
import { formatMailDateTime } from './templates.ts';

/**
 * One email's life in words for staff (the CLI's `mail status`, and what a Slack card can show):
 * "still trying: 3 attempts failed …, next try Tuesday … ; gives up after …", "gave up …",
 * "not sent: the address bounced …". Never a secret: the history holds none.
 */
export function describeMailState(
  entry: MailHistoryEntry,
  settings: { readonly timeZone: string; readonly retryWindowSeconds: number },
): string {
  const at = (iso: string) => formatMailDateTime(iso, settings.timeZone);
  const to = entry.to ? ` to ${entry.to}` : '';
  const because = entry.reason ? `: ${entry.reason}` : '';
  switch (entry.state) {
    case 'requested':
      return 'requested; waiting for the mail relay';
    case 'retrying': {
      const givesUpAt = new Date(Date.parse(entry.requestedAt) + settings.retryWindowSeconds * 1000).toISOString();
      const next = entry.nextAttemptAt ? `; next try ${at(entry.nextAttemptAt)}` : '';
      const attempts = `${entry.failedAttempts} attempt${entry.failedAttempts === 1 ? '' : 's'}`;
      return `still trying (${attempts} failed${because})${next}; retrying until ${at(givesUpAt)}`;
    }
    case 'sent':
      return `sent${to}${entry.sentAt ? ` on ${at(entry.sentAt)}` : ''}; no delivery report yet`;
    case 'delivered':
      return `delivered${to}`;
    case 'deferred':
      return `sent${to}; delivery delayed, Mailgun is retrying${because}`;
    case 'failed':
      return `failed${because}`;
    case 'gave_up':
      return `gave up${because}`;
    case 'skipped':
      return `not sent${because}; the temporary password staff issued is the one that works`;
    case 'suppressed':
      return `not sent${to}: ${entry.reason ?? 'the address is suppressed'}`;
    case 'bounced':
      return `bounced${to}${because}; mail to this address is suppressed`;
    case 'complained':
      return `marked as spam by the recipient${to}; mail to this address is suppressed`;
    case 'unsubscribed':
      return `the recipient unsubscribed${to}; mail to this address is suppressed`;
  }
}
