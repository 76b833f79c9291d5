import type { Child } from 'hono/jsx';
import {
  ErrorSummary,
  Field,
  Notice,
  PostForm,
  SubmitButton,
  firstErrorField,
  summaryOf,
  type FieldErrors,
} from '../views/form.tsx';
import type { PasswordPolicy } from '../../domain/password-policy.ts';
import type { TypedPasswords } from '../routes/new-password-input.ts';
import { portalReturnMaxAgeSeconds, withReturn } from '../portal-return.ts';
import { NewPasswordFields, newPasswordFields } from './new-password.tsx';

/** A portal's sign-in under way (already checked): the forgot pages keep it, so the client can carry on. */
interface Returning {
  readonly returnTo?: string | null;
}

function ReturnField(props: Returning) {
  return props.returnTo ? <input type="hidden" name="return" value={props.returnTo} /> : null;
}

export function ForgotPasswordForm(props: Returning & { values?: { identifier?: string }; errors?: FieldErrors }) {
  const errors = props.errors ?? {};
  return (
    <PostForm id="forgot-password-form" action="/forgot-password" label="Ask for a password reset link">
      <ReturnField returnTo={props.returnTo} />
      <ErrorSummary title="There is a problem" errors={summaryOf(errors, ['identifier'])} />
      <Field
        name="identifier"
        label="User name or email address"
        hint="Your user name (usually your email), or the email address we have on file for you."
        type="text"
        autocomplete="username"
        value={props.values?.identifier ?? ''}
        error={errors.identifier}
        autofocus={Boolean(errors.identifier)}
      />
      <SubmitButton>Email me a link</SubmitButton>
    </PostForm>
  );
}

export function ForgotPasswordPage(props: Returning & { form: Child; linkMinutes: number }) {
  return (
    <>
      <h1>Forgot your password?</h1>
      <p>
        Enter your user name or the email address we have on file. If we find your login, we'll email you a link to
        choose a new password. The link works once, for {props.linkMinutes} minutes.
      </p>
      <div class="card">{props.form}</div>
      <ul class="links">
        <li>
          <a href={withReturn('/forgot-username', props.returnTo)}>Forgot your user name?</a>
        </li>
        <li>
          <a href={withReturn('/login', props.returnTo)}>Back to log in</a>
        </li>
      </ul>
    </>
  );
}

/** The same answer whatever matched, so the form cannot be used to find out who is a client. */
export function ResetRequestedPage(props: Returning & { linkMinutes: number; businessName: string }) {
  return (
    <>
      <h1>Check your email</h1>
      <Notice>
        <p>
          If that matches a login, we've sent a link to choose a new password to the email address on file. It works
          once, for {props.linkMinutes} minutes.
        </p>
      </Notice>
      {props.returnTo ? (
        <p id="reset-returns">
          Open the link in this browser within {Math.round(portalReturnMaxAgeSeconds / 60)} minutes, and saving your new
          password takes you back to the app you were signing in to.
        </p>
      ) : null}
      <p>Nothing arrived after a few minutes? Check your spam folder, or contact {props.businessName}.</p>
      <p>
        <a href={withReturn('/login', props.returnTo)}>Back to log in</a>
      </p>
    </>
  );
}

export function ForgotUserNameForm(props: Returning & { email?: string; errors?: FieldErrors }) {
  const errors = props.errors ?? {};
  return (
    <PostForm id="forgot-username-form" action="/forgot-username" label="Ask for your user name">
      <ReturnField returnTo={props.returnTo} />
      <ErrorSummary title="There is a problem" errors={summaryOf(errors, ['email'])} />
      <Field
        name="email"
        label="Email address"
        hint="The one we have on file for you."
        type="email"
        autocomplete="email"
        value={props.email ?? ''}
        error={errors.email}
        autofocus={Boolean(errors.email)}
      />
      <SubmitButton>Email me my user name</SubmitButton>
    </PostForm>
  );
}

export function ForgotUserNamePage(props: Returning & { form: Child }) {
  return (
    <>
      <h1>Forgot your user name?</h1>
      <p>Enter the email address we have on file. If it matches, we'll email you your user name.</p>
      <div class="card">{props.form}</div>
      <ul class="links">
        <li>
          <a href={withReturn('/forgot-password', props.returnTo)}>Forgot your password?</a>
        </li>
        <li>
          <a href={withReturn('/login', props.returnTo)}>Back to log in</a>
        </li>
      </ul>
    </>
  );
}

export function UserNameRequestedPage(props: Returning & { businessName: string }) {
  return (
    <>
      <h1>Check your email</h1>
      <Notice>
        <p>If that email address matches our records, we've sent your user name to it.</p>
      </Notice>
      <p>Nothing arrived after a few minutes? Check your spam folder, or contact {props.businessName}.</p>
      <p>
        <a href={withReturn('/login', props.returnTo)}>Back to log in</a>
      </p>
    </>
  );
}

export function ResetPasswordForm(props: {
  action: string;
  username: string;
  policy: PasswordPolicy;
  errors?: FieldErrors;
  typed?: TypedPasswords;
}) {
  const errors = props.errors ?? {};
  return (
    <PostForm id="reset-password-form" action={props.action} label="Choose a new password">
      <ErrorSummary title="There is a problem" errors={summaryOf(errors, newPasswordFields)} />
      <NewPasswordFields
        username={props.username}
        policy={props.policy}
        errors={errors}
        typed={props.typed}
        focus={firstErrorField(errors, newPasswordFields) ?? 'newPassword'}
      />
      <SubmitButton>Save my new password</SubmitButton>
    </PostForm>
  );
}

/** `returnTo`: this browser asked for the link while signing in to a portal, and saving goes back there. */
export function ResetPasswordPage(props: Returning & { username: string; form: Child }) {
  return (
    <>
      <h1>Choose a new password</h1>
      <p>
        For user name <strong>{props.username}</strong>. Saving it logs you in here and out on every other device
        {props.returnTo ? ', and takes you back to the app you were signing in to' : ''}.
      </p>
      <div class="card">{props.form}</div>
      <p>
        <a href="/login">Back to log in</a>
      </p>
    </>
  );
}

export function ResetLinkInvalid() {
  return (
    <div id="reset-link-invalid">
      <h1>This link no longer works</h1>
      <div class="alert" role="alert">
        <p>This link has expired or was already used.</p>
      </div>
      <ul class="links">
        <li>
          <a href="/forgot-password">Ask for a new link</a>
        </li>
        <li>
          <a href="/login">Back to log in</a>
        </li>
      </ul>
    </div>
  );
}
