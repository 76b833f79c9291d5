// Source: @zxcvbn-ts/language-common, `dictionary['passwords-common']` — the leaked-password list that
// zxcvbn-ts scores against: 49,233 lower-case entries ranked most common first ("123456", "password", …).
// NIST SP 800-63B-4 asks verifiers to refuse passwords found in such lists.
import { dictionary } from '@zxcvbn-ts/language-common';
import { createPasswordBlocklist } from './password-policy.ts';
import type { PasswordBlocklist } from './password-policy.ts';

let commonPasswordBlocklist: PasswordBlocklist | undefined;

// Memoised because building the set takes around 15 ms and the list never changes at run time.
export function loadCommonPasswordBlocklist(): PasswordBlocklist {
  commonPasswordBlocklist ??= createPasswordBlocklist(dictionary['passwords-common']);
  return commonPasswordBlocklist;
}
