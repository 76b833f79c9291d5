import type { PasswordPolicy } from '../../domain/password-policy.ts';
import type { TypedPasswords } from '../routes/new-password-input.ts';
import { Field, type FieldErrors } from '../views/form.tsx';

export const newPasswordFields = ['newPassword', 'confirmPassword'] as const;

/**
 * The hidden user name lets a password manager file the new password under the right account;
 * `new-password` tells it to offer a strong one. The rules are said here, once, before anyone
 * types; an error then says only what is wrong with the password typed.
 */
export function NewPasswordFields(props: {
  username: string;
  policy: Pick<PasswordPolicy, 'minLength' | 'maxLength'>;
  errors: FieldErrors;
  focus: string | null;
  typed?: TypedPasswords | undefined;
  label?: string;
  notTemporary?: boolean;
}) {
  const { policy } = props;
  const lengths = { min: policy.minLength, max: policy.maxLength };
  return (
    <>
      <input type="text" name="username" autocomplete="username" value={props.username} hidden readonly />
      <Field
        name="newPassword"
        label={props.label ?? 'New password'}
        type="password"
        autocomplete="new-password"
        hint={
          `${policy.minLength} to ${policy.maxLength} characters, spaces allowed. ` +
          `Not a common password${props.notTemporary ? ' or the temporary one' : ''}, ` +
          'and not containing your name, user name, email or the business name. ' +
          'A few unrelated words make a strong password that is easy to remember.'
        }
        value={props.typed?.newPassword || undefined}
        lengths={lengths}
        error={props.errors.newPassword}
        autofocus={props.focus === 'newPassword'}
      />
      <Field
        name="confirmPassword"
        label="Type the new password again"
        type="password"
        autocomplete="new-password"
        value={props.typed?.confirmPassword || undefined}
        lengths={lengths}
        error={props.errors.confirmPassword}
        autofocus={props.focus === 'confirmPassword'}
      />
    </>
  );
}
