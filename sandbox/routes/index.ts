/** Every public route of the sandbox API, one table; the families live in their own files. */
import type { SandboxRoute } from '../env.js';
import { authVariantRoutes } from './auth-variants.js';
import { cursorRoutes } from './cursor.js';
import { deleteRoutes } from './deletes.js';
import { deltaRoutes } from './delta.js';
import { eventRoutes } from './events.js';
import { graphqlRoutes } from './graphql.js';
import { linkHeaderRoutes } from './link-header.js';
import { nextUrlRoutes } from './next-url.js';
import { pageRoutes } from './pages.js';
import { keysetRoutes } from './keyset.js';
import { searchRoutes } from './search.js';
import { serviceNowRoutes } from './servicenow.js';
import { stripeRoutes } from './stripe.js';

export const routes: readonly SandboxRoute[] = [
  ...cursorRoutes,
  ...nextUrlRoutes,
  ...linkHeaderRoutes,
  ...pageRoutes,
  ...keysetRoutes,
  ...serviceNowRoutes,
  ...graphqlRoutes,
  ...searchRoutes,
  ...deleteRoutes,
  ...eventRoutes,
  ...stripeRoutes,
  ...deltaRoutes,
  ...authVariantRoutes,
];
