import Mustache from 'mustache';
import type { MailTemplate } from '../domain/mail.ts';

/**
 * What each template must show and may use. A template the business edited that drops the
 * temporary password or the reset link would send an email the client cannot act on, and a
 * misspelt placeholder ({{temporaryPasword}}) renders as nothing: both are refused before
 * anything is sent, with the file and line named.
 */
const common = [
  'businessName',
  'businessContact',
  'logoUrl',
  'firstName',
  'loginUrl',
  'forgotPasswordUrl',
  'mistypesAllowed',
] as const;

export interface TemplateContract {
  /** Each must appear in both the plain-text and the HTML part. */
  readonly required: readonly string[];
  readonly known: readonly string[];
}

export const templateContracts: Record<MailTemplate, TemplateContract> = {
  'client-login-credentials': {
    required: ['userName', 'temporaryPassword', 'loginUrl'],
    known: [...common, 'userName', 'temporaryPassword', 'expiresAt'],
  },
  'password-reset': {
    required: ['resetUrl'],
    known: [...common, 'userName', 'resetUrl', 'validFor'],
  },
  'forgotten-user-name': {
    required: ['userNames'],
    known: [...common, 'userNames'],
  },
  'password-changed': {
    required: ['userName'],
    known: [...common, 'userName', 'changedAt'],
  },
  'new-sign-in': {
    required: ['userName', 'device', 'signedInAt'],
    known: [...common, 'userName', 'device', 'signedInAt'],
  },
};

type Token = [string, string, number, number, Token[]?, ...unknown[]];
const valueTokenTypes = new Set(['name', '&', '{', '#', '^']);

/** Problems in one part of a template, each naming the file and (where there is one) the line. */
export function checkTemplateSource(
  file: string,
  source: string,
  contract: TemplateContract,
  part: 'subject' | 'text' | 'html',
): string[] {
  let tokens: Token[];
  try {
    tokens = Mustache.parse(source) as Token[];
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const at = /at (\d+)\s*$/.exec(message);
    const where = at ? ` line ${lineAt(source, Number(at[1]))}` : '';
    return [`${file}${where}: ${message.replace(/ at \d+\s*$/, '')}`];
  }
  const problems: string[] = [];
  const used = new Set<string>();
  const visit = (list: readonly Token[]) => {
    for (const token of list) {
      const [type, name, start] = token;
      if (valueTokenTypes.has(type) && name !== '.') {
        const root = name.split('.')[0]!;
        used.add(root);
        if (!contract.known.includes(root))
          problems.push(
            `${file} line ${lineAt(source, start)}: {{${name}}} is not a placeholder this email has (it can use ${contract.known.join(', ')})`,
          );
      }
      if (Array.isArray(token[4])) visit(token[4]);
    }
  };
  visit(tokens);
  if (part !== 'subject')
    for (const name of contract.required)
      if (!used.has(name)) problems.push(`${file}: {{${name}}} is missing; this email must show it`);
  return problems;
}

function lineAt(source: string, index: number): number {
  return source.slice(0, index).split('\n').length;
}
