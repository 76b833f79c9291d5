import type { Config } from '../config.ts';
import {
  businessStream,
  checkBusinessId,
  decideBusiness,
  decideOrigin,
  defaultBusinessId,
  evolveBusiness,
  evolveOrigin,
  initialBusinessState,
  initialOriginState,
  originStream,
  type BusinessCommand,
  type BusinessEvent,
  type BusinessOriginEvent,
  type BusinessState,
  type OriginCommand,
  type OriginState,
} from '../domain/business.ts';
import { toOrigin, type BusinessSettings } from '../domain/business-settings.ts';
import { isEventOfStream } from '../domain/events.ts';
import { ok, reject, type Rejection, type Result } from '../domain/result.ts';
import type { BusinessView } from '../projections/businesses.ts';
import { commandContext, waitUntilReadable, type AppDeps, type Requester } from './deps.ts';
import { foldStream, handleCommand, type Decider } from './handle-command.ts';

export const businessDecider: Decider<BusinessCommand, BusinessEvent, BusinessState> = {
  initialState: initialBusinessState,
  accepts: (event) => isEventOfStream(event, 'business'),
  evolve: (state, event) => evolveBusiness(state, event),
  decide: decideBusiness,
};

export const originDecider: Decider<OriginCommand, BusinessOriginEvent, OriginState> = {
  initialState: initialOriginState,
  accepts: (event) => isEventOfStream(event, 'business-origin'),
  evolve: (state, event) => evolveOrigin(state, event),
  decide: decideOrigin,
};

/**
 * The default business is the one a deployment had before it hosted several: until staff record
 * its settings (`business set default …`), they are read from the environment, as they always were.
 */
export function defaultBusinessSettings(config: Config): BusinessSettings {
  return {
    name: config.businessName,
    logoUrl: config.businessLogoUrl,
    contact: config.businessContact,
    timeZone: config.businessTimeZone,
    publicOrigin: toOrigin(config.publicOrigin) ?? config.publicOrigin,
    tempPasswordTtlDays: Math.round(config.tempPasswordTtlSeconds / 86_400),
    tempPasswordMaxFailures: config.tempPasswordMaxFailures,
    passwordMinLength: config.passwordMinLength,
    recoveryCooldownSeconds: config.recoveryEmailCooldownSeconds,
    mailFrom: config.mail.from,
    mailReplyTo: config.mail.replyTo,
    mailgunDomain: config.mail.mailgun?.domain ?? null,
    slackStaffUserIds: config.slack?.staffUserIds.length ? config.slack.staffUserIds : null,
    slackStaffChannel: config.slack?.staffChannelId ?? null,
    slackAlertsChannel: config.slack?.alertsChannelId ?? null,
  };
}

export interface BusinessListing extends BusinessView {
  /** Where the settings come from: the log, or the environment (the default business, not yet recorded). */
  readonly source: 'log' | 'environment';
}

/** Every business, the default one first; it is listed even before anything about it is recorded. */
export function listBusinesses(deps: Pick<AppDeps, 'readModels'>, defaults: BusinessSettings): BusinessListing[] {
  const recorded = deps.readModels.businesses.listBusinesses().map((view) => ({ ...view, source: 'log' as const }));
  const unrecordedDefault = recorded.some((business) => business.businessId === defaultBusinessId)
    ? []
    : [
        {
          businessId: defaultBusinessId,
          settings: defaults,
          suspended: false,
          suspendedFor: null,
          registeredAt: '',
          source: 'environment' as const,
        },
      ];
  return [
    ...unrecordedDefault,
    ...recorded.sort((a, b) => Number(b.businessId === defaultBusinessId) - Number(a.businessId === defaultBusinessId)),
  ];
}

export function findBusiness(
  deps: Pick<AppDeps, 'readModels'>,
  businessId: string,
  defaults: BusinessSettings,
): BusinessListing | null {
  return listBusinesses(deps, defaults).find((business) => business.businessId === businessId) ?? null;
}

export interface NewBusiness {
  readonly businessId: string;
  readonly settings: BusinessSettings;
}

/**
 * Adds a business. Its origin is claimed first, on the origin's own stream, so two businesses can
 * never answer on one address; if the business then turns out to exist already, the claim is
 * given back and nothing else is recorded.
 */
export async function registerBusiness(
  deps: AppDeps,
  input: NewBusiness,
  defaults: BusinessSettings,
  requester: Requester,
): Promise<Result<BusinessListing, Rejection>> {
  const id = checkBusinessId(input.businessId);
  if (!id.ok) return id;
  const existing = foldStream(businessDecider, await deps.store.readStream(businessStream(input.businessId)));
  if (existing.status !== 'unknown')
    return reject('business_exists', `There is already a business ${input.businessId}.`);
  const free = originFreeOfDefault(deps, input.settings.publicOrigin, input.businessId, defaults);
  if (!free.ok) return free;
  const claimed = await claimOrigin(deps, input.settings.publicOrigin, input.businessId, requester);
  if (!claimed.ok) return claimed;
  const registered = await handleCommand(
    deps.store,
    businessDecider,
    businessStream(input.businessId),
    { type: 'RegisterBusiness', businessId: input.businessId, settings: input.settings },
    commandContext({ clock: deps.clock, businessId: input.businessId }, requester),
  );
  if (!registered.ok) {
    if (claimed.value.claimedNow) await releaseOrigin(deps, input.settings.publicOrigin, input.businessId, requester);
    return registered;
  }
  await waitUntilReadable(deps, registered.value.position);
  return ok(findBusiness(deps, input.businessId, defaults)!);
}

/**
 * Changes settings; only those that differ are recorded. A new origin is claimed before the change
 * and the old one released after it, so the business is reachable throughout and never shares an
 * address. The default business is recorded first (with the environment's settings) the first
 * time staff change it.
 */
export async function changeBusinessSettings(
  deps: AppDeps,
  businessId: string,
  changes: Partial<BusinessSettings>,
  defaults: BusinessSettings,
  requester: Requester,
): Promise<Result<BusinessListing, Rejection>> {
  const current = await recordedBusiness(deps, businessId, defaults, requester);
  if (!current.ok) return current;
  const before = current.value.settings;
  const newOrigin =
    changes.publicOrigin !== undefined && changes.publicOrigin !== before.publicOrigin ? changes.publicOrigin : null;
  let claimedNow = false;
  if (newOrigin !== null) {
    const free = originFreeOfDefault(deps, newOrigin, businessId, defaults);
    if (!free.ok) return free;
    const claimed = await claimOrigin(deps, newOrigin, businessId, requester);
    if (!claimed.ok) return claimed;
    claimedNow = claimed.value.claimedNow;
  }
  const changed = await handleCommand(
    deps.store,
    businessDecider,
    businessStream(businessId),
    { type: 'ChangeBusinessSettings', changes },
    commandContext({ clock: deps.clock, businessId }, requester),
  );
  if (!changed.ok) {
    if (newOrigin !== null && claimedNow) await releaseOrigin(deps, newOrigin, businessId, requester);
    return changed;
  }
  if (newOrigin !== null) await releaseOrigin(deps, before.publicOrigin, businessId, requester);
  await waitUntilReadable(deps, changed.value.position);
  return ok(findBusiness(deps, businessId, defaults)!);
}

/** Suspends or reinstates a business; nothing of it is deleted either way. */
export async function setBusinessSuspended(
  deps: AppDeps,
  businessId: string,
  suspension: { readonly suspended: true; readonly reason: string } | { readonly suspended: false },
  defaults: BusinessSettings,
  requester: Requester,
): Promise<Result<BusinessListing, Rejection>> {
  const current = await recordedBusiness(deps, businessId, defaults, requester);
  if (!current.ok) return current;
  const handled = await handleCommand(
    deps.store,
    businessDecider,
    businessStream(businessId),
    suspension.suspended ? { type: 'SuspendBusiness', reason: suspension.reason } : { type: 'ReinstateBusiness' },
    commandContext({ clock: deps.clock, businessId }, requester),
  );
  if (!handled.ok) return handled;
  await waitUntilReadable(deps, handled.value.position);
  return ok(findBusiness(deps, businessId, defaults)!);
}

/** The business as recorded; the default business gets recorded here, from the environment, on first need. */
async function recordedBusiness(
  deps: AppDeps,
  businessId: string,
  defaults: BusinessSettings,
  requester: Requester,
): Promise<Result<{ readonly settings: BusinessSettings }, Rejection>> {
  const state = foldStream(businessDecider, await deps.store.readStream(businessStream(businessId)));
  if (state.status !== 'unknown') return ok(state);
  if (businessId !== defaultBusinessId) return reject('unknown_business', `There is no business ${businessId}.`);
  const registered = await registerBusiness(
    deps,
    { businessId, settings: defaults },
    defaults,
    // Derived from the request, so a retried request records the default business once.
    { ...requester, ...(requester.commandId ? { commandId: `${requester.commandId}:default-business` } : {}) },
  );
  return registered.ok ? ok(registered.value) : registered;
}

/** Until the default business is recorded, its environment origin is taken too. */
function originFreeOfDefault(
  deps: Pick<AppDeps, 'readModels'>,
  origin: string,
  businessId: string,
  defaults: BusinessSettings,
): Result<null, Rejection> {
  const defaultRecorded = deps.readModels.businesses.getBusiness(defaultBusinessId) !== null;
  return !defaultRecorded && businessId !== defaultBusinessId && origin === defaults.publicOrigin
    ? reject('origin_taken', `${origin} is already the address of business ${defaultBusinessId}.`)
    : ok(null);
}

async function claimOrigin(
  deps: AppDeps,
  origin: string,
  businessId: string,
  requester: Requester,
): Promise<Result<{ readonly claimedNow: boolean }, Rejection>> {
  const claimed = await handleCommand(
    deps.store,
    originDecider,
    originStream(origin),
    { type: 'ClaimOrigin', origin, businessId },
    commandContext({ clock: deps.clock, businessId }, { actor: requester.actor }),
  );
  return claimed.ok ? ok({ claimedNow: claimed.value.events.length > 0 }) : claimed;
}

async function releaseOrigin(deps: AppDeps, origin: string, businessId: string, requester: Requester): Promise<void> {
  await handleCommand(
    deps.store,
    originDecider,
    originStream(origin),
    { type: 'ReleaseOrigin', origin, businessId },
    commandContext({ clock: deps.clock, businessId }, { actor: requester.actor }),
  );
}
