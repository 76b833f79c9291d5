import type { AppDeps } from '../app/deps.ts';
import type { LoginEditorModel } from './blocks/login-editor.ts';
import { parseEditorMetadataJson } from './blocks/email-editor.ts';
import { summariseClient } from './client-summary.ts';
import { freeUserNameSuggestions } from './user-names.ts';

/** Everything the System Login Editor shows for one client, or null when the client is gone. */
export function loginEditorModel(
  deps: Pick<AppDeps, 'readModels' | 'clock'>,
  clientId: string,
  timeZone: string,
  availability?: LoginEditorModel['availability'],
  responseUrl?: string,
): LoginEditorModel | null {
  const summary = summariseClient(deps, clientId);
  if (!summary) return null;
  return {
    summary,
    suggestions: freeUserNameSuggestions(deps, summary.client),
    timeZone,
    ...(responseUrl ? { responseUrl } : {}),
    ...(availability ? { availability } : {}),
  };
}

/** The client an editor is for, from the metadata it carries through Slack. */
export function parseEditorMetadata(privateMetadata: string | undefined): string | null {
  return parseEditorMetadataJson(privateMetadata)?.clientId ?? null;
}
