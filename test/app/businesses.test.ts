import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  changeBusinessSettings,
  defaultBusinessSettings,
  listBusinesses,
  registerBusiness,
  setBusinessSuspended,
} from '../../src/app/businesses.ts';
import type { BusinessSettings } from '../../src/domain/business-settings.ts';
import { createTestApp, staff, type TestApp } from '../support/app.ts';
import { sampleBusinessSettings } from '../support/sample-events.ts';

const requester = { actor: staff };
const settings = (name: string, publicOrigin: string): BusinessSettings => ({
  ...sampleBusinessSettings,
  name,
  publicOrigin,
});

describe('businesses', () => {
  let app: TestApp;
  let defaults: BusinessSettings;
  beforeEach(async () => {
    app = await createTestApp({ PUBLIC_ORIGIN: 'https://login.first.example', BUSINESS_NAME: 'First Paws' });
    defaults = defaultBusinessSettings(app.config);
  });
  afterEach(() => app.dispose());

  it('lists the default business from the environment until something about it is recorded', async () => {
    expect(listBusinesses(app.deps, defaults)).toEqual([
      expect.objectContaining({
        businessId: 'default',
        source: 'environment',
        settings: expect.objectContaining({ name: 'First Paws', publicOrigin: 'https://login.first.example' }),
      }),
    ]);
    expect(await app.deps.store.readAll({ after: null, limit: 10 })).toEqual([]);
  });

  it('adds businesses, each on an address no other business has', async () => {
    const added = await registerBusiness(
      app.deps,
      { businessId: 'happypaws', settings: settings('Happy Paws', 'https://happypaws.example') },
      defaults,
      requester,
    );
    expect(added.ok && added.value).toMatchObject({ businessId: 'happypaws', source: 'log', suspended: false });
    const sameOrigin = await registerBusiness(
      app.deps,
      { businessId: 'copycat', settings: settings('Copycat', 'https://happypaws.example') },
      defaults,
      requester,
    );
    expect(sameOrigin).toMatchObject({ ok: false, error: { code: 'origin_taken' } });
    const defaultOrigin = await registerBusiness(
      app.deps,
      { businessId: 'copycat', settings: settings('Copycat', 'https://login.first.example') },
      defaults,
      requester,
    );
    expect(defaultOrigin).toMatchObject({ ok: false, error: { code: 'origin_taken' } });
    const sameId = await registerBusiness(
      app.deps,
      { businessId: 'happypaws', settings: settings('Happy Paws 2', 'https://other.example') },
      defaults,
      requester,
    );
    expect(sameId).toMatchObject({ ok: false, error: { code: 'business_exists' } });
    expect(listBusinesses(app.deps, defaults).map((b) => b.businessId)).toEqual(['default', 'happypaws']);
    // The refused id gave back the address it claimed: another business can have it.
    const other = await registerBusiness(
      app.deps,
      { businessId: 'other', settings: settings('Other', 'https://other.example') },
      defaults,
      requester,
    );
    expect(other.ok).toBe(true);
  });

  it('gives an address to exactly one of two businesses asking for it at once', async () => {
    const results = await Promise.all(
      ['one', 'two', 'three', 'four'].map((businessId) =>
        registerBusiness(
          app.deps,
          { businessId, settings: settings(businessId, 'https://contested.example') },
          defaults,
          requester,
        ),
      ),
    );
    expect(results.filter((result) => result.ok)).toHaveLength(1);
    expect(
      listBusinesses(app.deps, defaults).filter((b) => b.settings.publicOrigin === 'https://contested.example'),
    ).toHaveLength(1);
  });

  it('moves a business to a new address and frees the old one', async () => {
    await registerBusiness(
      app.deps,
      { businessId: 'happypaws', settings: settings('Happy Paws', 'https://old.example') },
      defaults,
      requester,
    );
    const moved = await changeBusinessSettings(
      app.deps,
      'happypaws',
      { publicOrigin: 'https://new.example', timeZone: 'Europe/London' },
      defaults,
      requester,
    );
    expect(moved.ok && moved.value.settings).toMatchObject({
      publicOrigin: 'https://new.example',
      timeZone: 'Europe/London',
    });
    expect(app.deps.readModels.businesses.businessAt('https://new.example')?.businessId).toBe('happypaws');
    expect(app.deps.readModels.businesses.businessAt('https://old.example')).toBeNull();
    const taken = await registerBusiness(
      app.deps,
      { businessId: 'newcomer', settings: settings('Newcomer', 'https://old.example') },
      defaults,
      requester,
    );
    expect(taken.ok).toBe(true);
    const clash = await changeBusinessSettings(
      app.deps,
      'happypaws',
      { publicOrigin: 'https://old.example' },
      defaults,
      requester,
    );
    expect(clash).toMatchObject({ ok: false, error: { code: 'origin_taken' } });
    expect(app.deps.readModels.businesses.getBusiness('happypaws')?.settings.publicOrigin).toBe('https://new.example');
  });

  it('records the default business from the environment the first time staff change it', async () => {
    const changed = await changeBusinessSettings(app.deps, 'default', { contact: '555-0100' }, defaults, requester);
    expect(changed.ok && changed.value).toMatchObject({
      source: 'log',
      settings: { name: 'First Paws', contact: '555-0100', publicOrigin: 'https://login.first.example' },
    });
    expect(listBusinesses(app.deps, defaults)).toHaveLength(1);
    const unknown = await changeBusinessSettings(app.deps, 'nobody', { contact: 'x' }, defaults, requester);
    expect(unknown).toMatchObject({ ok: false, error: { code: 'unknown_business' } });
  });

  it('suspends and reinstates, deleting nothing', async () => {
    await registerBusiness(
      app.deps,
      { businessId: 'happypaws', settings: settings('Happy Paws', 'https://happypaws.example') },
      defaults,
      requester,
    );
    const suspended = await setBusinessSuspended(
      app.deps,
      'happypaws',
      { suspended: true, reason: 'unpaid invoice' },
      defaults,
      requester,
    );
    expect(suspended.ok && suspended.value).toMatchObject({ suspended: true, suspendedFor: 'unpaid invoice' });
    const reinstated = await setBusinessSuspended(app.deps, 'happypaws', { suspended: false }, defaults, requester);
    expect(reinstated.ok && reinstated.value).toMatchObject({ suspended: false, settings: { name: 'Happy Paws' } });
  });
});
