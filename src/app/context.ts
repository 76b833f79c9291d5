import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config.ts';
import { defaultThrottlePolicy } from '../domain/credential/throttle.ts';
import { loadCommonPasswordBlocklist } from '../domain/common-passwords.ts';
import { makePasswordPolicy } from '../domain/password-policy.ts';
import type { EventStore } from '../eventstore/port.ts';
import { openEventStore } from '../eventstore/open-store.ts';
import { defaultBusinessId } from '../domain/business.ts';
import type { Logger } from '../logger.ts';
import { findCheckpointMismatch, openReadModels, runProjections } from '../projections/read-models.ts';
import { createBusinessScopes } from './business-scope.ts';
import { systemClock, type Clock } from './clock.ts';
import type { AppDeps, CredentialSettings } from './deps.ts';
import { createPasswordHasher, type ScryptParams } from './password-hasher.ts';
import { loadPepper } from './pepper.ts';
import { createSecretHasher } from './secrets.ts';

export interface AppOptions {
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Tests lower the scrypt cost; production keeps the default. */
  readonly scryptParams?: ScryptParams;
  readonly pollIntervalMs?: number;
  /** An already-open store (tests, `store copy`); otherwise opened from config.store. */
  readonly store?: EventStore;
  /**
   * For auditors reading a backup or a read-only copy: the store opens for reading only (no
   * PostgreSQL migration), the read models live in memory, and nothing is written anywhere.
   */
  readonly readOnly?: boolean;
}

export interface App {
  readonly deps: AppDeps;
  readonly config: Config;
  close(): Promise<void>;
}

export function credentialSettings(config: Config): CredentialSettings {
  return {
    businessName: config.businessName,
    tempPasswordTtlSeconds: config.tempPasswordTtlSeconds,
    resetLinkTtlSeconds: config.resetLinkTtlSeconds,
    recoveryEmailCooldownSeconds: config.recoveryEmailCooldownSeconds,
    credentialsResendCooldownSeconds: config.mail.credentialsResendCooldownSeconds,
    loginRules: {
      tempPasswordMaxFailures: config.tempPasswordMaxFailures,
      permanentWorksWhileTempPending: config.permanentWorksWhileTempPending,
      throttle: {
        ...defaultThrottlePolicy,
        freeFailures: config.loginFreeFailures,
        baseDelaySeconds: config.loginBackoffBaseSeconds,
      },
    },
    newSignInEmail: config.newSignInEmail,
    passwordPolicy: makePasswordPolicy(config.passwordMinLength),
    passwordBlocklist: loadCommonPasswordBlocklist(),
  };
}

/** Builds everything once, catches the read models up with the log, and keeps them following it. */
export async function openApp(config: Config, options: AppOptions = {}): Promise<App> {
  const store =
    options.store ??
    (await openEventStore(
      config.store,
      options.readOnly ? { sqlite: { readonly: true }, postgres: { readOnly: true } } : {},
    ));
  const readModels = openReadModels(options.readOnly ? ':memory:' : config.readModels, undefined, {
    onMovedAside: ({ file, movedTo, problem }) =>
      options.logger?.warn(
        { file, movedTo, problem },
        'the read-model file was damaged: moved it aside and rebuilding it from the log',
      ),
  });
  const mismatch = await findCheckpointMismatch(store, readModels);
  if (mismatch) {
    options.logger?.warn(
      { problem: mismatch },
      'the read models do not follow the log (a restored backup?): rebuilding them from the log',
    );
    readModels.clear();
  }
  // An audit checks no password, so a copy without its pepper file is read with a throw-away one.
  const pepper =
    options.readOnly && !config.pepper && !existsSync(join(config.dataDir, 'pepper'))
      ? randomBytes(32)
      : loadPepper(config.pepper, config.dataDir);
  const projections = runProjections(store, readModels, {
    pollIntervalMs: options.pollIntervalMs ?? 250,
    onError: (error) => options.logger?.error({ err: error }, 'projection batch failed; retrying'),
  });
  await projections.catchUp();
  const deployment = credentialSettings(config);
  const scopes = createBusinessScopes(deployment, readModels.businesses);
  const deps: AppDeps = {
    store,
    readModels,
    projections,
    passwords: createPasswordHasher({
      pepper,
      maxConcurrent: config.hashingMaxConcurrent,
      maxQueued: config.hashingMaxQueued,
      ...(options.scryptParams ? { params: options.scryptParams } : {}),
    }),
    secrets: createSecretHasher(pepper),
    clock: options.clock ?? systemClock,
    scopes,
    // Commands act for the default business unless forBusiness gives them another.
    ...(scopes.scopeOf(defaultBusinessId) ?? { businessId: defaultBusinessId, settings: deployment, suspended: false }),
  };
  return {
    deps,
    config,
    async close() {
      await projections.stop();
      readModels.close();
      await store.close();
    },
  };
}
