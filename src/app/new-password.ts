import { checkPassword, type PasswordCheck } from '../domain/password-policy.ts';
import type { AppDeps } from './deps.ts';

/** The policy check for any password a client chooses, with the words of their own context refused. */
export function checkNewPassword(
  deps: Pick<AppDeps, 'readModels' | 'settings'>,
  input: { clientId: string; userName: string; password: string; sameAsTemporary?: boolean },
): PasswordCheck {
  const client = deps.readModels.clients.getClient(input.clientId);
  const contextWords = [
    deps.settings.businessName,
    input.userName,
    client?.firstName,
    client?.lastName,
    client?.email?.split('@')[0],
  ];
  return checkPassword(input.password, {
    policy: deps.settings.passwordPolicy,
    blocklist: deps.settings.passwordBlocklist,
    contextWords: contextWords.filter((word): word is string => Boolean(word)),
    temporaryPasswordFingerprintMatches: input.sameAsTemporary ?? false,
  });
}
