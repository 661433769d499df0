/**
 * Authenticators by the spec's `auth.type`: adding a type is one file and one line here.
 */
import type { Auth } from '../../spec/model.generated.js';
import { apiKey } from './apiKey.js';
import { basic } from './basic.js';
import { bearer } from './bearer.js';
import { none } from './none.js';
import { oauth2 } from './oauth2.js';
import type { AuthDeps, AuthFactory, Authenticator } from './types.js';

export const authenticators = { none, bearer, basic, apiKey, oauth2 } satisfies {
  [T in Auth['type']]: AuthFactory<Extract<Auth, { type: T }>>;
};

export type AuthType = keyof typeof authenticators;

/** The authenticator for `api.auth` (none when the spec gives no auth). Missing secrets fail here, at load. */
export function createAuthenticator(spec: Auth | undefined, deps: AuthDeps): Authenticator {
  if (spec === undefined) return none({ type: 'none' }, deps);
  const factory = authenticators[spec.type] as AuthFactory<Auth>;
  return factory(spec, deps);
}
