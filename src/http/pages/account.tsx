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
import { LogoutForm } from './choose-password.tsx';
import type { PasswordPolicy } from '../../domain/password-policy.ts';
import type { TypedPasswords } from '../routes/new-password-input.ts';
import { NewPasswordFields } from './new-password.tsx';

export const accountNotices = {
  'password-set': 'Your new password is saved. You are logged in.',
  'password-changed': 'Your password was changed. Any other devices were logged out.',
  'session-ended': 'That device was logged out.',
  'app-signed-out': 'You are signed out of that app.',
  'password-reset': 'Your new password is saved and you are logged in. Any other devices were logged out.',
} as const;

export type AccountNotice = keyof typeof accountNotices;

export interface AccountFacts {
  readonly name: string;
  readonly username: string;
  readonly email: string | null;
}

/** One line of "Where you are signed in": nothing in it identifies the session but a keyed fingerprint. */
export interface SessionItem {
  readonly fingerprint: string;
  readonly device: string;
  readonly lastSeen: string;
  readonly thisDevice: boolean;
  readonly keptSignedIn: boolean;
}

export function SessionList(props: { sessions: readonly SessionItem[] }) {
  return (
    <ul class="sessions" id="session-list">
      {props.sessions.map((session) => (
        <li>
          <p>
            <strong>{session.device}</strong>
            {session.thisDevice ? ' (this device)' : ''}
            <br />
            Last seen {session.lastSeen}
            {session.keptSignedIn ? ' · kept signed in' : ''}
          </p>
          <form method="post" action="/account/sessions/end">
            <input type="hidden" name="session" value={session.fingerprint} />
            <button
              type="submit"
              class="secondary"
              aria-label={`Log out ${session.device}${session.thisDevice ? ' (this device)' : ''}`}
            >
              Log out
            </button>
          </form>
        </li>
      ))}
    </ul>
  );
}

/** One app of the business's the client is signed in to through Latchkey. */
export interface AppItem {
  readonly appId: string;
  readonly name: string;
  readonly signedIn: string;
}

export function AppList(props: { apps: readonly AppItem[] }) {
  if (props.apps.length === 0) return <p id="app-list">You are not signed in to any of our apps right now.</p>;
  return (
    <ul class="sessions" id="app-list">
      {props.apps.map((app) => (
        <li>
          <p>
            <strong>{app.name}</strong>
            <br />
            Signed in {app.signedIn}
          </p>
          <form method="post" action="/account/apps/sign-out">
            <input type="hidden" name="app" value={app.appId} />
            <button type="submit" class="secondary" aria-label={`Sign out of ${app.name}`}>
              Sign out of this app
            </button>
          </form>
        </li>
      ))}
    </ul>
  );
}

const passwordFields = ['currentPassword', 'newPassword', 'confirmPassword'];

export function ChangePasswordForm(props: {
  username: string;
  policy: PasswordPolicy;
  errors?: FieldErrors;
  typed?: TypedPasswords;
}) {
  const errors = props.errors ?? {};
  const focus = firstErrorField(errors, passwordFields);
  return (
    <PostForm id="change-password-form" action="/account/password" label="Change your password">
      <ErrorSummary title="There is a problem" errors={summaryOf(errors, passwordFields)} />
      <Field
        name="currentPassword"
        label="Current password"
        type="password"
        autocomplete="current-password"
        error={errors.currentPassword}
        autofocus={focus === 'currentPassword'}
      />
      <NewPasswordFields
        username={props.username}
        policy={props.policy}
        errors={errors}
        focus={focus}
        typed={props.typed}
      />
      <SubmitButton>Change password</SubmitButton>
    </PostForm>
  );
}

export function AccountPage(props: {
  facts: AccountFacts;
  form: Child;
  sessions: readonly SessionItem[];
  /** The apps she is signed in to; absent when the server runs no provider. */
  apps?: readonly AppItem[] | undefined;
  notice?: AccountNotice | null;
}) {
  return (
    <>
      <h1>Your account</h1>
      {props.notice ? <Notice>{accountNotices[props.notice]}</Notice> : null}
      <section class="card" aria-labelledby="who-heading">
        <h2 id="who-heading">Logged in as</h2>
        <dl class="facts">
          <dt>Name</dt>
          <dd>{props.facts.name}</dd>
          <dt>User name</dt>
          <dd>{props.facts.username}</dd>
          <dt>Email</dt>
          <dd>{props.facts.email ?? 'none on file'}</dd>
        </dl>
        <LogoutForm />
      </section>
      <section class="card" aria-labelledby="password-heading">
        <h2 id="password-heading">Change your password</h2>
        {props.form}
      </section>
      <section class="card" aria-labelledby="sessions-heading">
        <h2 id="sessions-heading">Where you are signed in</h2>
        <SessionList sessions={props.sessions} />
      </section>
      {props.apps ? (
        <section class="card" aria-labelledby="apps-heading">
          <h2 id="apps-heading">Apps you are signed in to</h2>
          <AppList apps={props.apps} />
        </section>
      ) : null}
      <section class="card" aria-labelledby="everywhere-heading">
        <h2 id="everywhere-heading">Log out everywhere</h2>
        <p>Lost a phone or used a shared computer? This logs you out on every device, this one included.</p>
        <form method="post" action="/account/logout-everywhere">
          <button type="submit" class="secondary">
            Log out everywhere
          </button>
        </form>
      </section>
    </>
  );
}
