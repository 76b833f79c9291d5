import { Field, type FieldErrors } from '../views/form.tsx';

export const newPasswordFields = ['newPassword', 'confirmPassword'] as const;

/**
 * The hidden user name lets a password manager file the new password under the right account;
 * `new-password` tells it to offer a strong one.
 */
export function NewPasswordFields(props: {
  username: string;
  minLength: number;
  errors: FieldErrors;
  focus: string | null;
  label?: string;
}) {
  return (
    <>
      <input type="text" name="username" autocomplete="username" value={props.username} hidden readonly />
      <Field
        name="newPassword"
        label={props.label ?? 'New password'}
        type="password"
        autocomplete="new-password"
        hint={`At least ${props.minLength} characters. A few unrelated words make a strong password that is easy to remember.`}
        error={props.errors.newPassword}
        autofocus={props.focus === 'newPassword'}
      />
      <Field
        name="confirmPassword"
        label="Type the new password again"
        type="password"
        autocomplete="new-password"
        error={props.errors.confirmPassword}
        autofocus={props.focus === 'confirmPassword'}
      />
    </>
  );
}
