import type { AppDeps } from '../app/deps.ts';
import { defaultBusinessSettings } from '../app/businesses.ts';
import type { Config } from '../config.ts';
import { defaultBusinessId } from '../domain/business.ts';
import type { BusinessSettings } from '../domain/business-settings.ts';
import type { MailSettings } from './compose.ts';

/**
 * How one business's email looks and whom it comes from: its recorded settings, or, for the
 * default business before staff record any, the environment's. A business that sets no From,
 * Reply-To or Mailgun domain of its own sends with the deployment's. Null for a business this
 * deployment does not know.
 */
export function mailSettingsForBusiness(
  deps: Pick<AppDeps, 'readModels'>,
  config: Config,
  businessId: string,
): MailSettings | null {
  const settings =
    deps.readModels.businesses.getBusiness(businessId)?.settings ??
    (businessId === defaultBusinessId ? defaultBusinessSettings(config) : null);
  return settings ? toMailSettings(settings, config) : null;
}

function toMailSettings(settings: BusinessSettings, config: Config): MailSettings {
  return {
    publicOrigin: settings.publicOrigin,
    businessName: settings.name,
    businessContact: settings.contact,
    businessLogoUrl: settings.logoUrl,
    timeZone: settings.timeZone,
    templatesDir: config.mail.templatesDir,
    tempPasswordMaxFailures: settings.tempPasswordMaxFailures,
    sender: {
      from: settings.mailFrom ?? config.mail.from,
      replyTo: settings.mailReplyTo ?? config.mail.replyTo,
      mailgunDomain: settings.mailgunDomain,
    },
  };
}
