import type { AuthBasic } from '../../spec/model.generated.js';
import { basicCredentials, secretValue, textOrSecret, withHeader } from './credentials.js';
import type { AuthFactory } from './types.js';

/** HTTP basic auth (RFC 7617). */
export const basic: AuthFactory<AuthBasic> = (spec, deps) => {
  const username = textOrSecret(spec.username, deps, 'auth.username');
  const header = basicCredentials(username, secretValue(spec.password, deps, 'auth.password'));
  // The base64 pair is a secret of its own: the password alone does not appear in it.
  deps.redactor.add(header.slice('Basic '.length));
  return { fields: { headers: ['Authorization'] }, authenticate: async (request) => withHeader(request, 'Authorization', header) };
};
