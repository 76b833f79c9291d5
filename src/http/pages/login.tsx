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
import { withReturn } from '../portal-return.ts';

export const loginNotices = {
  'logged-out': 'You have logged out.',
  'logged-out-everywhere': 'You have been logged out on every device, this one included.',
  'sign-in-again': 'The app you came from asks you to enter your password again before it lets you in.',
} as const;

export type LoginNotice = keyof typeof loginNotices;

export interface LoginFormProps {
  readonly businessName: string;
  readonly username?: string;
  readonly errors?: FieldErrors;
  /** Any failed login: wrong password, unknown user name, used or expired temporary password, disabled, throttled. */
  readonly failed?: boolean;
  /** The password typed was from an older credentials email, replaced on this date by a newer one. */
  readonly replacedOn?: string;
  /** "Keep me signed in on this device" stays as the client left it when the form comes back. */
  readonly keepSignedIn?: boolean;
  /** The user name came with the link (the credentials email's): the password is what is left to type. */
  readonly prefilled?: boolean;
  /** Where to go after logging in: a portal's sign-in under /oidc/interaction/, already checked. */
  readonly returnTo?: string | null;
}

const fields = ['username', 'password'];

export function LoginForm(props: LoginFormProps) {
  const errors = props.errors ?? {};
  const focus = props.failed || props.replacedOn || props.prefilled ? 'password' : firstErrorField(errors, fields);
  return (
    <PostForm id="login-form" action="/login" label="Log in">
      {props.returnTo ? <input type="hidden" name="return" value={props.returnTo} /> : null}
      {props.replacedOn ? (
        <div class="alert" role="alert" id="login-error">
          <p>
            That temporary password is from an older email: we sent you a newer one on {props.replacedOn}, and only the
            password in the newest email works. Your newer password still works; this try did not use it up.
          </p>
        </div>
      ) : null}
      {props.failed ? (
        <div class="alert" role="alert" id="login-error">
          {/* Several failures in a row bring a backoff that grows to 15 minutes: "a few minutes" is the honest wait. */}
          <p>
            That user name and password didn't work. After several tries wait a few minutes, or ask {props.businessName}{' '}
            for help.
          </p>
        </div>
      ) : null}
      <ErrorSummary title="There is a problem" errors={summaryOf(errors, fields)} />
      <Field
        name="username"
        label="User name (usually your email)"
        type="text"
        autocomplete="username"
        value={props.username ?? ''}
        error={errors.username}
        autofocus={focus === 'username'}
      />
      <Field
        name="password"
        label="Password"
        type="password"
        autocomplete="current-password"
        error={errors.password}
        autofocus={focus === 'password'}
        {...(props.failed || props.replacedOn ? { describedBy: 'login-error' } : {})}
      />
      <p class="check">
        <input id="keepSignedIn" name="keepSignedIn" type="checkbox" value="on" checked={props.keepSignedIn === true} />
        <label for="keepSignedIn">Keep me signed in on this device</label>
      </p>
      <SubmitButton>Log in</SubmitButton>
    </PostForm>
  );
}

export function LoginPage(props: { form: Child; notice?: LoginNotice | null; returnTo?: string | null }) {
  return (
    <>
      <h1>Log in to your client portal</h1>
      {props.notice ? <Notice>{loginNotices[props.notice]}</Notice> : null}
      <div class="card">{props.form}</div>
      <ul class="links">
        <li>
          <a href={withReturn('/forgot-password', props.returnTo)}>Forgot your password?</a>
        </li>
        <li>
          <a href={withReturn('/forgot-username', props.returnTo)}>Forgot your user name?</a>
        </li>
      </ul>
    </>
  );
}
