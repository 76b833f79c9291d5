import { join } from 'node:path';
import { readRelayState, relayStateFileName } from './relay-state-file.ts';
import { formatMailDateTime } from './templates.ts';

/** The relay's state in one line for `mail status`, from the file the relay of this data folder keeps. */
export function describeRelayState(config: {
  readonly dataDir: string;
  readonly businessTimeZone: string;
  readonly mail: { readonly relayEnabled: boolean };
}): string {
  const state = readRelayState(join(config.dataDir, relayStateFileName));
  const at = (iso: string) => formatMailDateTime(iso, config.businessTimeZone);
  if (!state)
    return config.mail.relayEnabled
      ? 'Mail relay: not started on this data folder yet (it runs inside `latchkey serve`).'
      : 'Mail relay: off here (MAIL_RELAY=false); another instance sends the mail.';
  switch (state.kind) {
    case 'running':
      return `Mail relay: sending (since ${at(state.updatedAt)}).`;
    case 'paused':
      return `Mail relay: PAUSED since ${at(state.since)}: ${state.problem}. No email is failed for it; the relay retries by itself and sends everything once it is fixed.`;
    case 'stopped':
      return `Mail relay: stopped on ${at(state.updatedAt)} (\`latchkey serve\` is not running); mail waits until it starts.`;
  }
}
