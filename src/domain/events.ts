import type { EventMetadata, RecordedEvent } from '../eventstore/port.ts';
import type { BatchEvent } from './batch.ts';
import { defaultBusinessId, type BusinessEvent, type BusinessOriginEvent } from './business.ts';
import { withSlackSettings } from './business-settings.ts';
import type { ClientEvent } from './client.ts';
import type { CredentialEvent } from './credential/events.ts';
import type { MailEvent, MailWebhookTokenEvent } from './mail.ts';
import type { OidcAppEvent } from './oidc-app.ts';
import type { SessionEvent } from './session.ts';
import type { SlackInstallationEvent } from './slack-installation.ts';
import type { SlackProgressEvent } from './slack-progress.ts';
import type { StaffAccessEvent } from './staff-access.ts';
import type { StaffAlertEvent } from './staff-alert.ts';
import type { UnmatchedEvent } from './unmatched.ts';
import type { UserNameEvent } from './username-reservation.ts';

/**
 * The event catalogue: every event Latchkey records, by the kind of stream that holds it. A new
 * event goes into its stream's union (in that stream's own file) and into `eventCatalogue` below;
 * from there the compiler lists every table that has to decide what the event means.
 */
export interface StreamEvents {
  readonly client: ClientEvent;
  readonly credential: CredentialEvent;
  readonly session: SessionEvent;
  readonly 'user-name': UserNameEvent;
  readonly batch: BatchEvent;
  readonly mail: MailEvent;
  readonly 'mailgun-webhook-token': MailWebhookTokenEvent;
  readonly unmatched: UnmatchedEvent;
  readonly 'staff-alert': StaffAlertEvent;
  readonly 'staff-refusal': StaffAccessEvent;
  readonly 'slack-progress': SlackProgressEvent;
  readonly business: BusinessEvent;
  readonly 'business-origin': BusinessOriginEvent;
  readonly 'slack-team': SlackInstallationEvent;
  readonly 'oidc-app': OidcAppEvent;
}

export type StreamKind = keyof StreamEvents;
export type LatchkeyEvent = StreamEvents[StreamKind];
export type LatchkeyEventType = LatchkeyEvent['type'];
export type EventOfType<T extends LatchkeyEventType> = Extract<LatchkeyEvent, { readonly type: T }>;
export type StreamKindOf<T extends LatchkeyEventType> = {
  [K in StreamKind]: T extends StreamEvents[K]['type'] ? K : never;
}[StreamKind];

/** A decoded event's metadata: the business is always known (the default one for old events). */
export type DecodedMetadata = EventMetadata & { readonly businessId: string };

/** One recorded event, typed: narrowing on `type` narrows `data`. */
export type Recorded<E extends LatchkeyEvent> = E extends LatchkeyEvent
  ? Omit<RecordedEvent, 'type' | 'data' | 'metadata'> & { readonly metadata: DecodedMetadata } & E
  : never;
export type DecodedEvent = Recorded<LatchkeyEvent>;

/**
 * Turns the data of an older version into the next version's (`upcasters[n - 1]` takes version n
 * to n + 1). History is never rewritten: old events stay as they were recorded and are upcast
 * each time they are read.
 */
export type Upcaster = (data: unknown) => unknown;

export interface CatalogueEntry<K extends StreamKind> {
  readonly stream: K;
  /** The version appended today; raise it, and add its upcaster, when the event's data changes shape. */
  readonly version: number;
  readonly upcasters: readonly Upcaster[];
}

export type EventCatalogue = { readonly [T in LatchkeyEventType]: CatalogueEntry<StreamKindOf<T>> };

const v1 = <K extends StreamKind>(stream: K): CatalogueEntry<K> => ({ stream, version: 1, upcasters: [] });

export const eventCatalogue: EventCatalogue = {
  ClientRegistered: v1('client'),
  ClientDetailsChanged: v1('client'),
  ClientArchived: v1('client'),
  LoginAssigned: v1('credential'),
  LoginRenamed: v1('credential'),
  TempPasswordIssued: v1('credential'),
  TempPasswordConsumed: v1('credential'),
  TempPasswordBurned: v1('credential'),
  TempPasswordWithdrawn: v1('credential'),
  PermanentPasswordChosen: v1('credential'),
  PasswordChanged: v1('credential'),
  PasswordRehashed: v1('credential'),
  // Version 2 may record `knownDevice`; a version-1 success had no device cookie, which reads the same.
  LoginSucceeded: { stream: 'credential', version: 2, upcasters: [(data) => data] },
  // Version 2 records `couldBeTemporary` (whether the try counted against a pending temporary
  // password); every version-1 failure counted. Version 3 may record `deviceFingerprint`; an older
  // failure came from no known device, which reads the same.
  LoginFailed: {
    stream: 'credential',
    version: 3,
    upcasters: [(data) => ({ couldBeTemporary: true, ...(data as object) }), (data) => data],
  },
  PasswordResetRequested: v1('credential'),
  PasswordResetLinkIssued: v1('credential'),
  PasswordResetCompleted: v1('credential'),
  LoginDisabled: v1('credential'),
  LoginEnabled: v1('credential'),
  SessionsRevoked: v1('credential'),
  SessionEnded: v1('credential'),
  CredentialsEmailRequested: v1('credential'),
  NewSignInNoticeRequested: v1('credential'),
  UserNameReminderRequested: v1('credential'),
  SessionStarted: v1('session'),
  SessionSeen: v1('session'),
  ClientSignedInToApp: v1('session'),
  UserNameReserved: v1('user-name'),
  UserNameReleased: v1('user-name'),
  BatchStarted: v1('batch'),
  BatchProgressed: v1('batch'),
  BatchCompleted: v1('batch'),
  EmailSent: v1('mail'),
  EmailSendFailed: v1('mail'),
  EmailSendDeferred: v1('mail'),
  EmailSuppressed: v1('mail'),
  EmailSendSkipped: v1('mail'),
  EmailSuppressionLifted: v1('mail'),
  EmailDelivered: v1('mail'),
  EmailDeliveryFailed: v1('mail'),
  EmailBounced: v1('mail'),
  EmailComplained: v1('mail'),
  EmailUnsubscribed: v1('mail'),
  MailgunWebhookTokenAccepted: v1('mailgun-webhook-token'),
  UnknownUserNameLoginFailed: v1('unmatched'),
  PasswordResetRequestUnmatched: v1('unmatched'),
  UserNameReminderUnmatched: v1('unmatched'),
  StaffAlertClaimed: v1('staff-alert'),
  StaffAlertPosted: v1('staff-alert'),
  StaffActionRefused: v1('staff-refusal'),
  ProgressMessagePosted: v1('slack-progress'),
  // Version 2 records the business's Slack settings; a business registered before had none of its own.
  BusinessRegistered: {
    stream: 'business',
    version: 2,
    upcasters: [
      (data) => {
        const { settings, ...rest } = data as { settings: Parameters<typeof withSlackSettings>[0] };
        return { ...rest, settings: withSlackSettings(settings) };
      },
    ],
  },
  BusinessRenamed: v1('business'),
  BusinessSettingsChanged: v1('business'),
  BusinessSuspended: v1('business'),
  BusinessReinstated: v1('business'),
  OriginClaimed: v1('business-origin'),
  OriginReleased: v1('business-origin'),
  SlackInstalled: v1('slack-team'),
  SlackUninstalled: v1('slack-team'),
  OidcAppRegistered: v1('oidc-app'),
  OidcAppSecretRotated: v1('oidc-app'),
  OidcAppRemoved: v1('oidc-app'),
};

export function isLatchkeyEventType(
  type: string,
  catalogue: EventCatalogue = eventCatalogue,
): type is LatchkeyEventType {
  return Object.hasOwn(catalogue, type);
}

/** The version an append records for this event type, or null when it is the first (nothing is written). */
export function eventVersionToRecord(
  type: LatchkeyEventType,
  catalogue: EventCatalogue = eventCatalogue,
): number | null {
  const { version } = catalogue[type];
  return version > 1 ? version : null;
}

/**
 * The read boundary: a stored event becomes a typed one here and nowhere else. The type must be in
 * the catalogue (an event this code does not know gives null, and readers skip it), and data of an
 * older version is upcast to today's shape. The data itself is trusted: only Latchkey appends, and
 * the hash chain (`audit verify`) shows that nothing was changed since.
 */
export function decodeEvent(stored: RecordedEvent, catalogue: EventCatalogue = eventCatalogue): DecodedEvent | null {
  if (!isLatchkeyEventType(stored.type, catalogue)) return null;
  const entry = catalogue[stored.type];
  const recordedVersion = stored.metadata.eventVersion ?? 1;
  if (recordedVersion > entry.version) {
    throw new Error(
      `event ${stored.id} (${stored.type}) is version ${recordedVersion}, newer than this Latchkey knows (${entry.version}); upgrade Latchkey`,
    );
  }
  let data = stored.data;
  for (let version = recordedVersion; version < entry.version; version++) {
    const upcast = entry.upcasters[version - 1];
    if (!upcast) throw new Error(`no upcaster takes ${stored.type} from version ${version} to ${version + 1}`);
    data = upcast(data);
  }
  // Events recorded before businesses belong to the default one; the stored bytes (and so the hash) stay as they are.
  const metadata: DecodedMetadata =
    stored.metadata.businessId === undefined
      ? { ...stored.metadata, businessId: defaultBusinessId }
      : (stored.metadata as DecodedMetadata);
  const decoded = data === stored.data && metadata === stored.metadata ? stored : { ...stored, data, metadata };
  // The one cast of recorded data: the type was checked against the catalogue and the data brought to its version.
  return decoded as unknown as DecodedEvent;
}

/** The business a decoded event belongs to. */
export function businessOf(event: { readonly metadata: DecodedMetadata }): string {
  return event.metadata.businessId;
}

/** Narrows a decoded event to the events of one kind of stream. */
export function isEventOfStream<K extends StreamKind>(
  event: DecodedEvent,
  kind: K,
  catalogue: EventCatalogue = eventCatalogue,
): event is Recorded<StreamEvents[K]> {
  return catalogue[event.type].stream === kind;
}

/** Every event type, in catalogue order (for tests and documentation that must cover them all). */
export const latchkeyEventTypes = Object.keys(eventCatalogue) as LatchkeyEventType[];
