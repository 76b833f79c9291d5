import { reject, ok, type Rejection, type Result } from './result.ts';

/**
 * A user name is held by appending to its own stream, `username-<normalised>`, so the event
 * store itself guarantees that two clients can never hold one name: the first reservation is
 * appended with `no_stream`, a later one with the exact revision that saw it released.
 */
export type UserNameEvent =
  | { readonly type: 'UserNameReserved'; readonly data: { readonly userName: string; readonly clientId: string } }
  | { readonly type: 'UserNameReleased'; readonly data: { readonly userName: string; readonly clientId: string } };

export type UserNameState = { readonly status: 'free' } | { readonly status: 'held'; readonly clientId: string };

export const initialUserNameState: UserNameState = { status: 'free' };

export function evolveUserName(_state: UserNameState, event: UserNameEvent): UserNameState {
  switch (event.type) {
    case 'UserNameReserved':
      return { status: 'held', clientId: event.data.clientId };
    case 'UserNameReleased':
      return { status: 'free' };
  }
}

export function decideReserveUserName(
  userName: string,
  clientId: string,
  state: UserNameState,
): Result<UserNameEvent[], Rejection<'user_name_taken'>> {
  if (state.status === 'held') {
    return state.clientId === clientId
      ? ok([])
      : reject('user_name_taken', `The user name ${userName} is taken. Choose another one.`);
  }
  return ok([{ type: 'UserNameReserved', data: { userName, clientId } }]);
}

export function decideReleaseUserName(userName: string, clientId: string, state: UserNameState): UserNameEvent[] {
  return state.status === 'held' && state.clientId === clientId
    ? [{ type: 'UserNameReleased', data: { userName, clientId } }]
    : [];
}
