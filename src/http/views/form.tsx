import type { Child } from 'hono/jsx';

export type FieldErrors = Readonly<Partial<Record<string, string>>>;

/**
 * A form that posts normally without JavaScript; with htmx it posts in the background and the
 * server's answer (the same form with its errors, or a redirect) replaces it in place.
 */
export function PostForm(props: { id: string; action: string; label: string; children: Child }) {
  return (
    <form
      id={props.id}
      method="post"
      action={props.action}
      novalidate
      aria-label={props.label}
      hx-post={props.action}
      hx-swap="outerHTML"
      hx-disable="find button"
    >
      {props.children}
    </form>
  );
}

export interface FieldProps {
  readonly name: string;
  readonly label: string;
  readonly type: 'text' | 'email' | 'password';
  readonly autocomplete: string;
  readonly value?: string | undefined;
  readonly hint?: string;
  readonly error?: string | undefined;
  readonly autofocus?: boolean;
  /** An error shown elsewhere on the form (the login failure) that this field should announce. */
  readonly describedBy?: string;
  /** For a new password: the policy's bounds, which password managers read to generate one that fits. */
  readonly lengths?: { readonly min: number; readonly max: number };
}

/** Label, hint and error are tied to the input, so a screen reader reads them with it. */
export function Field(props: FieldProps) {
  const id = props.name;
  const describedBy = [props.hint ? `${id}-hint` : null, props.error ? `${id}-error` : null, props.describedBy ?? null]
    .filter(Boolean)
    .join(' ');
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      {props.hint ? (
        <p class="hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      ) : null}
      {props.error ? (
        <p class="field-error" id={`${id}-error`}>
          <span class="visually-hidden">Error: </span>
          {props.error}
        </p>
      ) : null}
      {props.type === 'password' ? (
        <div class="password-input">
          <Input {...props} describedBy={describedBy} />
          <PasswordToggle controls={id} />
        </div>
      ) : (
        <Input {...props} describedBy={describedBy} />
      )}
    </div>
  );
}

function Input(props: FieldProps & { describedBy: string }) {
  const { lengths } = props;
  return (
    <input
      id={props.name}
      name={props.name}
      type={props.type}
      autocomplete={props.autocomplete}
      value={props.value}
      minlength={lengths?.min}
      maxlength={lengths?.max}
      passwordrules={lengths ? `minlength: ${lengths.min}; maxlength: ${lengths.max};` : undefined}
      spellcheck={props.type === 'password' ? undefined : false}
      autocapitalize={props.type === 'password' ? undefined : 'none'}
      aria-invalid={props.error ? 'true' : undefined}
      aria-describedby={props.describedBy || undefined}
      autofocus={props.autofocus}
    />
  );
}

/**
 * Shows the password as typed. Hidden by the stylesheet until the site script runs (it marks
 * <html class="js"> and handles the click), so without JavaScript there is no button that does nothing.
 */
function PasswordToggle(props: { controls: string }) {
  return (
    <button
      type="button"
      class="password-toggle"
      data-password-toggle=""
      aria-controls={props.controls}
      aria-pressed="false"
    >
      Show password
    </button>
  );
}

/** Errors listed at the top and announced at once; each links to its field. */
export function ErrorSummary(props: { title: string; errors: readonly { field: string; message: string }[] }) {
  if (props.errors.length === 0) return null;
  return (
    <div class="alert" role="alert">
      <strong>{props.title}</strong>
      <ul>
        {props.errors.map((error) => (
          <li>
            <a href={`#${error.field}`}>{error.message}</a>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** A message that is announced politely (after what the reader is saying now). */
export function Notice(props: { children: Child }) {
  return (
    <div class="notice" role="status">
      {props.children}
    </div>
  );
}

export function SubmitButton(props: { children: Child }) {
  return <button type="submit">{props.children}</button>;
}

/** The first field with an error gets the focus (the browser's autofocus, and htmx's after a swap). */
export function firstErrorField(errors: FieldErrors, order: readonly string[]): string | null {
  return order.find((name) => errors[name]) ?? null;
}

export function summaryOf(errors: FieldErrors, order: readonly string[]): { field: string; message: string }[] {
  return order.flatMap((field) => (errors[field] ? [{ field, message: errors[field] }] : []));
}
