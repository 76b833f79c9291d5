import Database from 'better-sqlite3';
import type { Installation, InstallationQuery, InstallationStore } from '@slack/bolt';
import { createTokenCipher, type SealedToken } from './token-cipher.ts';

/** What Latchkey keeps of one workspace's installation; the token only as sealed bytes. */
interface InstallationRow {
  readonly team_id: string;
  readonly business_id: string;
  readonly team_name: string;
  readonly bot_user_id: string;
  readonly bot_id: string;
  readonly scopes: string;
  readonly installed_by: string;
  readonly app_id: string | null;
  readonly iv: Buffer;
  readonly tag: Buffer;
  readonly ciphertext: Buffer;
}

export interface SlackInstallations extends InstallationStore {
  /** The business a workspace is installed for, from the stored installation; null when none is stored. */
  businessOfTeam(teamId: string): string | null;
  /** The bot token of the workspace a business is installed in (the latest, if more), or null when none is. */
  botTokenOfBusiness(businessId: string): string | null;
  close(): void;
}

/**
 * Bolt's installation store (`@slack/oauth`'s `InstallationStore`) on a small SQLite file in the
 * data folder, one row per workspace. Bot tokens are secrets and stay out of the event log; here
 * they are sealed with AES-256-GCM under the deployment's token key, bound to the team and the
 * business, so the file alone gives nothing away. Enterprise (org-wide) installs are not supported.
 * `installation.metadata` carries the business id, as the install state handed it over.
 */
export function openSlackInstallations(file: string, key: Buffer): SlackInstallations {
  const cipher = createTokenCipher(key);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(`CREATE TABLE IF NOT EXISTS slack_installations (
    team_id TEXT PRIMARY KEY, business_id TEXT NOT NULL, team_name TEXT NOT NULL, bot_user_id TEXT NOT NULL,
    bot_id TEXT NOT NULL, scopes TEXT NOT NULL, installed_by TEXT NOT NULL, app_id TEXT,
    iv BLOB NOT NULL, tag BLOB NOT NULL, ciphertext BLOB NOT NULL)`);
  const upsert = db.prepare(`INSERT INTO slack_installations
      (team_id, business_id, team_name, bot_user_id, bot_id, scopes, installed_by, app_id, iv, tag, ciphertext)
    VALUES (@team_id, @business_id, @team_name, @bot_user_id, @bot_id, @scopes, @installed_by, @app_id, @iv, @tag, @ciphertext)
    ON CONFLICT (team_id) DO UPDATE SET business_id = excluded.business_id, team_name = excluded.team_name,
      bot_user_id = excluded.bot_user_id, bot_id = excluded.bot_id, scopes = excluded.scopes,
      installed_by = excluded.installed_by, app_id = excluded.app_id, iv = excluded.iv, tag = excluded.tag,
      ciphertext = excluded.ciphertext`);
  const select = db.prepare('SELECT * FROM slack_installations WHERE team_id = ?');
  const selectByBusiness = db.prepare(
    'SELECT * FROM slack_installations WHERE business_id = ? ORDER BY rowid DESC LIMIT 1',
  );
  const remove = db.prepare('DELETE FROM slack_installations WHERE team_id = ?');

  function row(teamId: string): InstallationRow | null {
    return (select.get(teamId) as InstallationRow | undefined) ?? null;
  }

  return {
    storeInstallation(installation) {
      const teamId = installation.team?.id;
      const bot = installation.bot;
      const businessId = installation.metadata;
      if (!teamId || !bot || !businessId || installation.isEnterpriseInstall)
        return Promise.reject(new Error('only a workspace install with a bot token and a business can be stored'));
      const sealed = cipher.seal(bot.token, { teamId, businessId });
      upsert.run({
        team_id: teamId,
        business_id: businessId,
        team_name: installation.team?.name ?? '',
        bot_user_id: bot.userId,
        bot_id: bot.id,
        scopes: bot.scopes.join(','),
        installed_by: installation.user.id,
        app_id: installation.appId ?? null,
        ...sealed,
      });
      return Promise.resolve();
    },
    fetchInstallation(query) {
      try {
        const found = query.teamId ? row(query.teamId) : null;
        if (!found) throw new Error(`Latchkey is not installed in Slack workspace ${describe(query)}`);
        const sealed: SealedToken = { iv: found.iv, tag: found.tag, ciphertext: found.ciphertext };
        const token = cipher.open(sealed, { teamId: found.team_id, businessId: found.business_id });
        return Promise.resolve(toInstallation(found, token));
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    },
    deleteInstallation(query) {
      if (query.teamId) remove.run(query.teamId);
      return Promise.resolve();
    },
    businessOfTeam: (teamId) => row(teamId)?.business_id ?? null,
    botTokenOfBusiness(businessId) {
      const found = selectByBusiness.get(businessId) as InstallationRow | undefined;
      if (!found) return null;
      const sealed: SealedToken = { iv: found.iv, tag: found.tag, ciphertext: found.ciphertext };
      return cipher.open(sealed, { teamId: found.team_id, businessId: found.business_id });
    },
    close: () => db.close(),
  };
}

function toInstallation(found: InstallationRow, token: string): Installation<'v2', false> {
  return {
    team: { id: found.team_id, name: found.team_name },
    enterprise: undefined,
    user: { id: found.installed_by, token: undefined, scopes: undefined },
    bot: {
      token,
      scopes: found.scopes.split(',').filter(Boolean),
      id: found.bot_id,
      userId: found.bot_user_id,
    },
    ...(found.app_id ? { appId: found.app_id } : {}),
    tokenType: 'bot',
    isEnterpriseInstall: false,
    authVersion: 'v2',
    metadata: found.business_id,
  };
}

function describe(query: InstallationQuery<boolean>): string {
  return query.teamId ?? `(enterprise ${query.enterpriseId ?? 'unknown'})`;
}
