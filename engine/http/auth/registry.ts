/**
 * Authenticators by the spec's `auth.type`: adding a type is one file and one line here.
 */
import type { Auth } from '../../spec/model.generated.js';
import { apiKey } from './apiKey.js';
import { basic } from './basic.js';
import { bearer } from './bearer.js';
import { none } from './none.js';
import { oauth2 } from './oauth2.js';
import type { AuthDeps, AuthFactory, AuthKind, Authenticator } from './types.js';

export const authKinds = {
  none: { create: none },
  bearer: { create: bearer },
  basic: { create: basic },
  apiKey: { create: apiKey },
  oauth2: { create: oauth2, urls: ['tokenUrl'] },
} satisfies { [T in Auth['type']]: AuthKind<Extract<Auth, { type: T }>> };

export type AuthType = keyof typeof authKinds;

/** The authenticator for `api.auth` (none when the spec gives no auth). Missing secrets fail here, at load. */
export function createAuthenticator(spec: Auth | undefined, deps: AuthDeps): Authenticator {
  if (spec === undefined) return none({ type: 'none' }, deps);
  const factory = authKinds[spec.type].create as AuthFactory<Auth>;
  return factory(spec, deps);
}
