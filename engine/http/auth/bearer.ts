import type { AuthBearer } from '../../spec/model.generated.js';
import { secretValue, withHeader } from './credentials.js';
import type { AuthFactory } from './types.js';

/** `Authorization: Bearer <token>` with a static token from a secret. */
export const bearer: AuthFactory<AuthBearer> = (spec, deps) => {
  const header = `Bearer ${secretValue(spec.token, deps, 'auth.token')}`;
  return { fields: { headers: ['Authorization'] }, authenticate: async (request) => withHeader(request, 'Authorization', header) };
};
