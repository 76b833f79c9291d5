import type { AppDeps } from '../app/deps.ts';
import type { LoginEditorModel } from './blocks/login-editor.ts';
import { summariseClient } from './client-summary.ts';
import { freeUserNameSuggestions } from './user-names.ts';

/** Everything the System Login Editor shows for one client, or null when the client is gone. */
export function loginEditorModel(
  deps: Pick<AppDeps, 'readModels' | 'clock'>,
  clientId: string,
  availability?: LoginEditorModel['availability'],
): LoginEditorModel | null {
  const summary = summariseClient(deps, clientId);
  if (!summary) return null;
  return {
    summary,
    suggestions: freeUserNameSuggestions(deps, summary.client),
    ...(availability ? { availability } : {}),
  };
}

export function parseEditorMetadata(privateMetadata: string | undefined): string | null {
  try {
    const parsed = JSON.parse(privateMetadata ?? '') as { clientId?: unknown };
    return typeof parsed.clientId === 'string' ? parsed.clientId : null;
  } catch {
    return null;
  }
}
