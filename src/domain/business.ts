import { changedSettings, type BusinessSettings } from './business-settings.ts';
import { ok, reject, type Rejection, type Result } from './result.ts';

/**
 * A business is a tenant of the deployment: its own origin, branding, rules and mail sender. Its
 * id is the slug staff chose when adding it (`happypaws`); the id never changes, the name may.
 * The records made before businesses existed belong to the default business.
 */
export const defaultBusinessId = 'default';

/**
 * The name of a business's own stream: the default business keeps the names every log had before
 * businesses, so an old log needs no migration; any other business's names start with its id and
 * a slash (`happypaws/credential-C1001`), because client ids and user names repeat across
 * businesses. The business and origin streams are the deployment's, and are not built here.
 */
export function scopedStream(businessId: string, name: string): string {
  return businessId === defaultBusinessId ? name : `${businessId}/${name}`;
}

const businessIdPattern = /^[a-z][a-z0-9-]{1,39}$/;

export function checkBusinessId(businessId: string): Result<string, Rejection<'bad_business_id'>> {
  return businessIdPattern.test(businessId) && !businessId.endsWith('-')
    ? ok(businessId)
    : reject(
        'bad_business_id',
        `"${businessId}" cannot be a business id: use 2 to 40 lower-case letters, digits and dashes, starting with a letter`,
      );
}

export type BusinessEvent =
  | {
      readonly type: 'BusinessRegistered';
      readonly data: { readonly businessId: string; readonly settings: BusinessSettings };
    }
  | {
      readonly type: 'BusinessRenamed';
      readonly data: { readonly businessId: string; readonly from: string; readonly to: string };
    }
  | {
      readonly type: 'BusinessSettingsChanged';
      readonly data: { readonly businessId: string; readonly changes: Partial<Omit<BusinessSettings, 'name'>> };
    }
  | { readonly type: 'BusinessSuspended'; readonly data: { readonly businessId: string; readonly reason: string } }
  | { readonly type: 'BusinessReinstated'; readonly data: { readonly businessId: string } };

export type BusinessState =
  | { readonly status: 'unknown' }
  | {
      readonly status: 'active' | 'suspended';
      readonly businessId: string;
      readonly settings: BusinessSettings;
      readonly suspendedFor: string | null;
    };

export type BusinessCommand =
  | { readonly type: 'RegisterBusiness'; readonly businessId: string; readonly settings: BusinessSettings }
  | { readonly type: 'ChangeBusinessSettings'; readonly changes: Partial<BusinessSettings> }
  | { readonly type: 'SuspendBusiness'; readonly reason: string }
  | { readonly type: 'ReinstateBusiness' };

export const businessStream = (businessId: string): string => `business-${businessId}`;
export const initialBusinessState: BusinessState = { status: 'unknown' };

export function evolveBusiness(state: BusinessState, event: BusinessEvent): BusinessState {
  switch (event.type) {
    case 'BusinessRegistered':
      return { status: 'active', businessId: event.data.businessId, settings: event.data.settings, suspendedFor: null };
    case 'BusinessRenamed':
      return state.status === 'unknown' ? state : { ...state, settings: { ...state.settings, name: event.data.to } };
    case 'BusinessSettingsChanged':
      return state.status === 'unknown' ? state : { ...state, settings: { ...state.settings, ...event.data.changes } };
    case 'BusinessSuspended':
      return state.status === 'unknown' ? state : { ...state, status: 'suspended', suspendedFor: event.data.reason };
    case 'BusinessReinstated':
      return state.status === 'unknown' ? state : { ...state, status: 'active', suspendedFor: null };
  }
}

/**
 * Settings commands record only what differs; a rename is its own event (the name is what staff and
 * clients see, so its history reads as "renamed from … to …").
 */
export function decideBusiness(command: BusinessCommand, state: BusinessState): Result<BusinessEvent[], Rejection> {
  if (command.type === 'RegisterBusiness') {
    if (state.status !== 'unknown') {
      return reject('business_exists', `There is already a business ${command.businessId}.`);
    }
    return ok([{ type: 'BusinessRegistered', data: { businessId: command.businessId, settings: command.settings } }]);
  }
  if (state.status === 'unknown') return reject('unknown_business', 'There is no such business.');
  const { businessId } = state;
  switch (command.type) {
    case 'ChangeBusinessSettings': {
      const { name, ...changes } = changedSettings(state.settings, command.changes);
      const events: BusinessEvent[] = [];
      if (name !== undefined)
        events.push({ type: 'BusinessRenamed', data: { businessId, from: state.settings.name, to: name } });
      if (Object.keys(changes).length > 0)
        events.push({ type: 'BusinessSettingsChanged', data: { businessId, changes } });
      return ok(events);
    }
    case 'SuspendBusiness': {
      const reason = command.reason.trim();
      if (reason.length === 0 || reason.length > 200) {
        return reject('bad_reason', 'Say why the business is suspended, in at most 200 characters.');
      }
      return state.status === 'suspended' ? ok([]) : ok([{ type: 'BusinessSuspended', data: { businessId, reason } }]);
    }
    case 'ReinstateBusiness':
      return state.status === 'active' ? ok([]) : ok([{ type: 'BusinessReinstated', data: { businessId } }]);
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}

/**
 * An origin is held by appending to its own stream, as a user name is: the store guarantees that
 * two businesses never answer on one address.
 */
export type BusinessOriginEvent =
  | { readonly type: 'OriginClaimed'; readonly data: { readonly origin: string; readonly businessId: string } }
  | { readonly type: 'OriginReleased'; readonly data: { readonly origin: string; readonly businessId: string } };

export type OriginState = { readonly status: 'free' } | { readonly status: 'held'; readonly businessId: string };

export const initialOriginState: OriginState = { status: 'free' };
export const originStream = (origin: string): string => `business-origin-${origin}`;

export function evolveOrigin(_state: OriginState, event: BusinessOriginEvent): OriginState {
  switch (event.type) {
    case 'OriginClaimed':
      return { status: 'held', businessId: event.data.businessId };
    case 'OriginReleased':
      return { status: 'free' };
  }
}

export type OriginCommand =
  | { readonly type: 'ClaimOrigin'; readonly origin: string; readonly businessId: string }
  | { readonly type: 'ReleaseOrigin'; readonly origin: string; readonly businessId: string };

export function decideOrigin(command: OriginCommand, state: OriginState): Result<BusinessOriginEvent[], Rejection> {
  const { origin, businessId } = command;
  switch (command.type) {
    case 'ClaimOrigin':
      if (state.status === 'held') {
        return state.businessId === businessId
          ? ok([])
          : reject('origin_taken', `${origin} is already the address of business ${state.businessId}.`);
      }
      return ok([{ type: 'OriginClaimed', data: { origin, businessId } }]);
    case 'ReleaseOrigin':
      return ok(
        state.status === 'held' && state.businessId === businessId
          ? [{ type: 'OriginReleased', data: { origin, businessId } }]
          : [],
      );
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}
