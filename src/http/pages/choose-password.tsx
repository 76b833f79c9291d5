import type { Child } from 'hono/jsx';
import { ErrorSummary, PostForm, SubmitButton, firstErrorField, summaryOf, type FieldErrors } from '../views/form.tsx';
import type { PasswordPolicy } from '../../domain/password-policy.ts';
import type { TypedPasswords } from '../routes/new-password-input.ts';
import { NewPasswordFields, newPasswordFields } from './new-password.tsx';

export function ChoosePasswordForm(props: {
  username: string;
  policy: PasswordPolicy;
  errors?: FieldErrors;
  typed?: TypedPasswords;
  /** Where to go once the password is chosen: a portal's sign-in under /oidc/interaction/, already checked. */
  returnTo?: string | null;
}) {
  const errors = props.errors ?? {};
  return (
    <PostForm id="choose-password-form" action="/choose-password" label="Choose your new password">
      {props.returnTo ? <input type="hidden" name="return" value={props.returnTo} /> : null}
      <ErrorSummary title="There is a problem" errors={summaryOf(errors, newPasswordFields)} />
      <NewPasswordFields
        username={props.username}
        policy={props.policy}
        errors={errors}
        typed={props.typed}
        notTemporary
        focus={firstErrorField(errors, newPasswordFields) ?? 'newPassword'}
      />
      <SubmitButton>Save my password</SubmitButton>
    </PostForm>
  );
}

export function ChoosePasswordPage(props: { form: Child }) {
  return (
    <>
      <h1>Choose your new password</h1>
      <p>You logged in with a temporary password, which works only once. Choose a password of your own to continue.</p>
      <div class="card">{props.form}</div>
      <LogoutForm />
    </>
  );
}

export function LogoutForm() {
  return (
    <form method="post" action="/logout">
      <button type="submit" class="secondary">
        Log out
      </button>
    </form>
  );
}
