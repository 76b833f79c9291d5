import { endsSessions, type CredentialEvent } from './events.ts';

export interface PendingTempPassword {
  readonly id: string;
  readonly secretHash: string;
  readonly expiresAt: string;
  readonly failures: number;
}

/**
 * A temporary password replaced by a newer one (a resent email). Remembered by hash and id for
 * the rest of its lifetime so that a client typing the older email's password is told a newer
 * email was sent, and the attempt does not count against the newer password.
 */
export interface SupersededTempPassword {
  readonly id: string;
  readonly secretHash: string;
  readonly expiresAt: string;
  readonly supersededAt: string;
  /** Failed tries counted against it before it was replaced, kept should it be pending again. */
  readonly failures: number;
}

/** Enough for every resend within a temporary password's lifetime; older ones are dropped first. */
const maxSupersededTempPasswords = 20;

export interface PendingResetLink {
  readonly tokenId: string;
  readonly secretHash: string;
  readonly expiresAt: string;
}

export interface Login {
  readonly clientId: string;
  readonly userName: string;
  readonly passwordHash: string | null;
  /** Counts the permanent passwords set (chosen, changed, reset); a rehash of the same one keeps it. */
  readonly passwordVersion: number;
  readonly temp: PendingTempPassword | null;
  readonly supersededTemps: readonly SupersededTempPassword[];
  /** Set by a temporary-password login: the client must choose a password, and not this one. */
  readonly mustChoose: { readonly tempSecretHash: string } | null;
  readonly reset: PendingResetLink | null;
  /** Sessions carry the version they were issued at; anything older is revoked. */
  readonly sessionVersion: number;
  readonly consecutiveFailures: number;
  readonly lastFailureAt: string | null;
  /** Wrong tries per device cookie (by the device's keyed fingerprint), outside the account-wide count. */
  readonly deviceFailures: Readonly<Record<string, number>>;
  readonly lastLoginAt: string | null;
  /** When the client last asked for a reset link or a user-name reminder (one cooldown each). */
  readonly lastResetRequestAt: string | null;
  readonly lastReminderRequestAt: string | null;
}

export type CredentialState =
  | { readonly status: 'none' }
  | { readonly status: 'active'; readonly login: Login }
  | { readonly status: 'disabled'; readonly login: Login };

export const initialCredentialState: CredentialState = { status: 'none' };

/**
 * The version of this fold. Stored snapshots of the state carry it, and one made by another
 * version is ignored and rebuilt from the log: bump it whenever `evolveCredential` or the state's
 * shape changes.
 */
export const credentialFoldVersion = 1;

/** `at` is the event's decision time from its metadata: evolve reads no clock either. */
export function evolveCredential(state: CredentialState, event: CredentialEvent, at: string): CredentialState {
  if (event.type === 'LoginAssigned') {
    return { status: 'active', login: newLogin(event.data.clientId, event.data.userName) };
  }
  if (state.status === 'none') return state;
  const login = evolveLogin(state.login, event, at);
  switch (event.type) {
    case 'LoginDisabled':
      return { status: 'disabled', login };
    case 'LoginEnabled':
      return { status: 'active', login };
    default:
      return { ...state, login };
  }
}

function newLogin(clientId: string, userName: string): Login {
  return {
    clientId,
    userName,
    passwordHash: null,
    passwordVersion: 0,
    temp: null,
    supersededTemps: [],
    mustChoose: null,
    reset: null,
    sessionVersion: 0,
    consecutiveFailures: 0,
    lastFailureAt: null,
    deviceFailures: {},
    lastLoginAt: null,
    lastResetRequestAt: null,
    lastReminderRequestAt: null,
  };
}

function evolveLogin(login: Login, event: CredentialEvent, at: string): Login {
  const next = evolveLoginDetails(login, event, at);
  return endsSessions[event.type] ? { ...next, sessionVersion: login.sessionVersion + 1, mustChoose: null } : next;
}

function evolveLoginDetails(login: Login, event: CredentialEvent, at: string): Login {
  switch (event.type) {
    case 'LoginAssigned':
      return login;
    case 'LoginRenamed':
      return { ...login, userName: event.data.to };
    case 'TempPasswordIssued':
      return {
        ...login,
        temp: {
          id: event.data.tempPasswordId,
          secretHash: event.data.secretHash,
          expiresAt: event.data.expiresAt,
          failures: 0,
        },
      };
    case 'TempPasswordConsumed':
      return login.temp
        ? { ...login, temp: null, supersededTemps: [], mustChoose: { tempSecretHash: login.temp.secretHash } }
        : login;
    case 'TempPasswordBurned':
      if (login.temp?.id !== event.data.tempPasswordId) return login;
      return event.data.reason === 'superseded'
        ? { ...login, temp: null, supersededTemps: rememberSuperseded(login, login.temp, at) }
        : { ...login, temp: null };
    case 'TempPasswordWithdrawn':
      return login.temp?.id === event.data.tempPasswordId
        ? restoreTemp(login, event.data.restored?.tempPasswordId ?? null)
        : login;
    case 'PermanentPasswordChosen':
    case 'PasswordChanged':
      return {
        ...login,
        passwordHash: event.data.passwordHash,
        passwordVersion: login.passwordVersion + 1,
        reset: null,
        supersededTemps: [],
      };
    case 'PasswordResetCompleted':
      return {
        ...login,
        passwordHash: event.data.passwordHash,
        passwordVersion: login.passwordVersion + 1,
        reset: null,
        consecutiveFailures: 0,
        supersededTemps: [],
      };
    case 'PasswordRehashed':
      return { ...login, passwordHash: event.data.passwordHash };
    case 'LoginSucceeded':
      // A login from a known device says nothing about the strangers' tries: their count stays.
      return event.data.knownDevice
        ? { ...login, lastLoginAt: at }
        : { ...login, consecutiveFailures: 0, lastFailureAt: null, lastLoginAt: at };
    case 'LoginFailed':
      // Neither a throttled attempt nor an older email's password is a guess at the current one.
      return event.data.reason === 'throttled' || event.data.reason === 'temporary_superseded'
        ? login
        : countFailure(login, at, event.data.couldBeTemporary !== false, event.data.deviceFingerprint);
    case 'PasswordResetLinkIssued':
      return {
        ...login,
        reset: { tokenId: event.data.tokenId, secretHash: event.data.secretHash, expiresAt: event.data.expiresAt },
      };
    case 'PasswordResetRequested':
      return { ...login, lastResetRequestAt: at };
    case 'UserNameReminderRequested':
      return { ...login, lastReminderRequestAt: at };
    case 'LoginDisabled':
    case 'SessionsRevoked':
    case 'LoginEnabled':
    case 'CredentialsEmailRequested':
    case 'NewSignInNoticeRequested':
    case 'SessionEnded':
      return login;
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

function rememberSuperseded(login: Login, temp: PendingTempPassword, at: string): SupersededTempPassword[] {
  const live = login.supersededTemps.filter((old) => Date.parse(old.expiresAt) > Date.parse(at));
  const replaced = {
    id: temp.id,
    secretHash: temp.secretHash,
    expiresAt: temp.expiresAt,
    supersededAt: at,
    failures: temp.failures,
  };
  return [...live, replaced].slice(-maxSupersededTempPasswords);
}

/** The withdrawn password goes; the one it replaced, when named, is pending again as it was. */
function restoreTemp(login: Login, restoredId: string | null): Login {
  const restored = login.supersededTemps.find((old) => old.id === restoredId);
  if (!restored) return { ...login, temp: null };
  const { id, secretHash, expiresAt, failures } = restored;
  return {
    ...login,
    temp: { id, secretHash, expiresAt, failures },
    supersededTemps: login.supersededTemps.filter((old) => old !== restored),
  };
}

/** Enough for every browser a household uses; the least recently failing device is forgotten first. */
const maxTrackedDevices = 50;

function countFailure(
  login: Login,
  at: string,
  countsAgainstTemp: boolean,
  deviceFingerprint: string | undefined,
): Login {
  const temp = login.temp && countsAgainstTemp ? { ...login.temp, failures: login.temp.failures + 1 } : login.temp;
  if (deviceFingerprint !== undefined) {
    const { [deviceFingerprint]: before = 0, ...others } = login.deviceFailures;
    const kept = Object.entries(others).slice(-(maxTrackedDevices - 1));
    return { ...login, temp, deviceFailures: { ...Object.fromEntries(kept), [deviceFingerprint]: before + 1 } };
  }
  return { ...login, temp, consecutiveFailures: login.consecutiveFailures + 1, lastFailureAt: at };
}
