import type { LoginRules } from '../domain/credential/commands.ts';
import type { PasswordPolicy, PasswordBlocklist } from '../domain/password-policy.ts';
import type { Actor, EventStore } from '../eventstore/port.ts';
import type { Subscription } from '../eventstore/subscription.ts';
import type { ReadModels } from '../projections/read-models.ts';
import type { BusinessScopes } from './business-scope.ts';
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

/**
 * The part of the dependencies that belongs to one business: its id, which every command's
 * events record and every stream name and read-model query is scoped by, and its rules.
 */
export interface BusinessScope {
  readonly businessId: string;
  readonly settings: CredentialSettings;
  /** A suspended business's clients cannot log in; nothing of theirs is deleted. */
  readonly suspended: boolean;
}

/**
 * Everything a command handler may touch: the deployment's store, hashers and clock, and one
 * business's scope. Built once at start-up for the default business (see context.ts); other
 * businesses' come from `forBusiness` (see business-scope.ts).
 */
export interface AppDeps extends BusinessScope {
  readonly store: EventStore;
  readonly readModels: ReadModels;
  /** The running projection subscription, so handlers can wait until their writes are readable. */
  readonly projections: Subscription;
  readonly passwords: PasswordHasher;
  readonly secrets: SecretHasher;
  readonly clock: Clock;
  /** Every business's scope, for `forBusiness`. */
  readonly scopes: BusinessScopes;
}

/** Who asks, and the command id that makes a retry of the same request append nothing new. */
export interface Requester {
  readonly actor: Actor;
  readonly commandId?: string;
  readonly causationId?: string;
}

export function commandContext(deps: Pick<AppDeps, 'clock' | 'businessId'>, requester: Requester) {
  return {
    businessId: deps.businessId,
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
