import type { LoginRules } from '../domain/credential/commands.ts';
import type { PasswordPolicy, PasswordBlocklist } from '../domain/password-policy.ts';
import type { Actor, EventStore } from '../eventstore/port.ts';
import type { Subscription } from '../eventstore/subscription.ts';
import type { ReadModels } from '../projections/read-models.ts';
import type { Clock } from './clock.ts';
import { newId } from './ids.ts';
import type { PasswordHasher } from './password-hasher.ts';
import type { SecretHasher } from './secrets.ts';

export interface CredentialSettings {
  readonly businessName: string;
  readonly tempPasswordTtlSeconds: number;
  readonly resetLinkTtlSeconds: number;
  /** At most one reset link and one user-name reminder per client in this time. */
  readonly recoveryEmailCooldownSeconds: number;
  /** Bulk credentials emails skip clients sent credentials this recently, unless forced. */
  readonly credentialsResendCooldownSeconds: number;
  readonly loginRules: LoginRules;
  /** NEW_SIGN_IN_EMAIL: a login from a new device emails the client. */
  readonly newSignInEmail: boolean;
  readonly passwordPolicy: PasswordPolicy;
  readonly passwordBlocklist: PasswordBlocklist;
}

/** Everything a command handler may touch. Built once at start-up (see context.ts). */
export interface AppDeps {
  readonly store: EventStore;
  readonly readModels: ReadModels;
  /** The running projection subscription, so handlers can wait until their writes are readable. */
  readonly projections: Subscription;
  readonly passwords: PasswordHasher;
  readonly secrets: SecretHasher;
  readonly clock: Clock;
  readonly settings: CredentialSettings;
}

/** Who asks, and the command id that makes a retry of the same request append nothing new. */
export interface Requester {
  readonly actor: Actor;
  readonly commandId?: string;
  readonly causationId?: string;
}

export function commandContext(deps: Pick<AppDeps, 'clock'>, requester: Requester) {
  return {
    actor: requester.actor,
    commandId: requester.commandId ?? newId(),
    at: deps.clock.now(),
    ...(requester.causationId ? { causationId: requester.causationId } : {}),
  };
}

/** Read-your-writes: wait until the projections have caught up with an append. */
export async function waitUntilReadable(deps: Pick<AppDeps, 'projections'>, position: string | null): Promise<void> {
  if (position !== null) await deps.projections.waitFor(position);
}
