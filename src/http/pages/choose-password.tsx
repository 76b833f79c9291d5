import type { Child } from 'hono/jsx';
import { ErrorSummary, PostForm, SubmitButton, firstErrorField, summaryOf, type FieldErrors } from '../views/form.tsx';
import { NewPasswordFields, newPasswordFields } from './new-password.tsx';

export function ChoosePasswordForm(props: { username: string; minLength: number; errors?: FieldErrors }) {
  const errors = props.errors ?? {};
  return (
    <PostForm id="choose-password-form" action="/choose-password" label="Choose your new password">
      <ErrorSummary title="There is a problem" errors={summaryOf(errors, newPasswordFields)} />
      <NewPasswordFields
        username={props.username}
        minLength={props.minLength}
        errors={errors}
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
      <p>
        You logged in with a temporary password, which works only once. Choose a password of your own to continue; it
        can't be the temporary one.
      </p>
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
