import { defaultBusinessId } from '../domain/business.ts';
import type { BusinessSettings } from '../domain/business-settings.ts';
import { makePasswordPolicy } from '../domain/password-policy.ts';
import type { BusinessQueries } from '../projections/businesses.ts';
import type { AppDeps, BusinessScope, CredentialSettings } from './deps.ts';

/** Builds and keeps each business's scope; `forBusiness` reads it. */
export interface BusinessScopes {
  /** The business's scope, rebuilt when its recorded settings change; null for a business never registered. */
  scopeOf(businessId: string): BusinessScope | null;
}

/**
 * A business's credential rules: its own lifetime, failure rule, minimum length, cooldown and
 * name over the deployment's rules (reset-link lifetime, throttling, new sign-in mail).
 */
export function businessCredentialSettings(
  deployment: CredentialSettings,
  business: BusinessSettings,
): CredentialSettings {
  return {
    ...deployment,
    businessName: business.name,
    tempPasswordTtlSeconds: business.tempPasswordTtlDays * 86_400,
    recoveryEmailCooldownSeconds: business.recoveryCooldownSeconds,
    loginRules: { ...deployment.loginRules, tempPasswordMaxFailures: business.tempPasswordMaxFailures },
    passwordPolicy:
      business.passwordMinLength === deployment.passwordPolicy.minLength
        ? deployment.passwordPolicy
        : makePasswordPolicy(business.passwordMinLength),
  };
}

/**
 * The default business keeps the environment's rules (`deployment`) until its settings are
 * recorded; every other business's rules come from its recorded settings. Scopes are cached
 * and rebuilt only when the recorded settings differ from those they were built from.
 */
export function createBusinessScopes(
  deployment: CredentialSettings,
  businesses: Pick<BusinessQueries, 'getBusiness'>,
): BusinessScopes {
  const cache = new Map<string, { readonly settingsJson: string; readonly scope: BusinessScope }>();
  return {
    scopeOf(businessId) {
      const recorded = businesses.getBusiness(businessId);
      if (!recorded) {
        return businessId === defaultBusinessId ? { businessId, settings: deployment, suspended: false } : null;
      }
      const settingsJson = JSON.stringify([recorded.settings, recorded.suspended]);
      const cached = cache.get(businessId);
      if (cached?.settingsJson === settingsJson) return cached.scope;
      const scope = {
        businessId,
        settings: businessCredentialSettings(deployment, recorded.settings),
        suspended: recorded.suspended,
      };
      cache.set(businessId, { settingsJson, scope });
      return scope;
    },
  };
}

/**
 * The dependencies as one business sees them: its id on every command, its streams and its rules.
 * Asking for a business that was never registered is a broken invariant (callers pick the
 * business from the read model, or from a session the site signed for it).
 */
export function forBusiness(deps: AppDeps, businessId: string): AppDeps {
  const scope = deps.scopes.scopeOf(businessId);
  if (!scope) throw new Error(`there is no business ${businessId}`);
  return scope.businessId === deps.businessId && scope.settings === deps.settings && scope.suspended === deps.suspended
    ? deps
    : { ...deps, ...scope, readModels: deps.readModels.forBusiness(businessId) };
}
