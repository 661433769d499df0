import type { AuthNone } from '../../spec/model.generated.js';
import type { AuthFactory } from './types.js';

/** No credentials: the request goes out as it is. */
export const none: AuthFactory<AuthNone> = () => ({
  authenticate: async (request) => request,
});
