import type { AppDeps } from '../app/deps.ts';
import { suggestUserNames, validateUserName } from '../domain/username.ts';
import type { ClientView } from '../projections/clients.ts';

export type UserNameCheck =
  | { readonly ok: true; readonly userName: string; readonly note: string }
  | { readonly ok: false; readonly message: string };

/**
 * The editor's availability check. It reads the projection, so it is advice: the store's
 * reservation stream still decides when the login is saved, and a name taken in the meantime
 * comes back as the same inline error.
 */
export function checkUserName(deps: Pick<AppDeps, 'readModels'>, clientId: string, raw: string): UserNameCheck {
  const validation = validateUserName(raw);
  if (!validation.ok) return { ok: false, message: validation.error };
  const holder = deps.readModels.credentials.findClientIdByUserName(validation.userName);
  if (holder === null) return { ok: true, userName: validation.userName, note: `${validation.userName} is free.` };
  if (holder === clientId)
    return { ok: true, userName: validation.userName, note: `${validation.userName} is this client's user name now.` };
  return { ok: false, message: `${validation.userName} is taken by another client. Choose another one.` };
}

/** Suggestions in the house order (email first, then first.last, …), with the ones already taken left out. */
export function freeUserNameSuggestions(deps: Pick<AppDeps, 'readModels'>, client: ClientView): string[] {
  return suggestUserNames(client).filter((userName) => {
    const holder = deps.readModels.credentials.findClientIdByUserName(userName);
    return holder === null || holder === client.clientId;
  });
}
