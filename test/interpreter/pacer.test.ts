/**
 * A spec's named pacer is a rate budget every sync naming it shares: measured at the server,
 * no window of `intervalMs` ever holds more than `allowedRequests` requests.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { openProject, runProject } from '../../engine/project.js';
import { tempDir } from '../support/project.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ seed: 9, counts: { contacts: 40, companies: 20 }, clean: true });
});
afterAll(() => sandbox.close());

const ALLOWED = 3;
const INTERVAL_MS = 250;

function maxInWindow(times: number[], windowMs: number): number {
  let max = 0;
  for (let i = 0; i < times.length; i++) {
    let j = i;
    while (j < times.length && times[j] - times[i] < windowMs) j++;
    max = Math.max(max, j - i);
  }
  return max;
}

describe('pacers', () => {
  it('keeps every sync naming a pacer within its budget', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'paced.yaml'), `syncspec: 1
name: paced
vars: { baseUrl: {} }
secrets: { apiToken: {} }
api:
  baseUrl: "{{vars.baseUrl}}"
  auth: { type: bearer, token: { secret: apiToken } }
pacers:
  api: { allowedRequests: ${ALLOWED}, intervalMs: ${INTERVAL_MS} }
definitions:
  paginators:
    stripe: { type: token, token: { lastRecord: $.id }, param: starting_after, pageSize: { value: 5, param: limit }, stop: { hasMore: $.has_more } }
databases:
  contacts: { primaryKeyProperty: ID, properties: { Name: title, ID: richText } }
  companies: { primaryKeyProperty: ID, properties: { Name: title, ID: richText } }
syncs:
  contacts: { database: contacts, pacer: api, request: { path: /v1/contacts }, records: "$.data[*]", paginate: { use: stripe }, map: { Name: $.name, ID: $.id } }
  companies: { database: companies, pacer: api, request: { path: /v1/companies }, records: "$.data[*]", paginate: { use: stripe }, map: { Name: $.name, ID: $.id } }
`);
    writeFileSync(join(dir, 'config.yaml'), `syncspec: 1
connectors:
  paced: { spec: paced.yaml, vars: { baseUrl: "${sandbox.url}" }, secrets: { apiToken: { env: TOKEN } } }
`);
    const opened = await openProject(join(dir, 'config.yaml'), { env: { TOKEN: 'sandbox-token' } });
    sandbox.source.stats.clear();
    const started = Date.now();
    try {
      // Both syncs at once, as a service would run them: they draw on one budget.
      const summaries = await Promise.all([
        runProject(opened, { syncs: ['contacts'] }),
        runProject(opened, { syncs: ['companies'] }),
      ]);
      expect(summaries.flat().map((s) => s.status)).toEqual(['completed', 'completed']);
    } finally {
      await opened.close();
    }
    const times = sandbox.source.stats.requests.filter((r) => r.path.startsWith('/v1/')).map((r) => r.time).sort((a, b) => a - b);
    expect(times.length).toBe(8 + 4);
    expect(maxInWindow(times, INTERVAL_MS)).toBeLessThanOrEqual(ALLOWED);
    // 12 requests at 3 per 250 ms cannot finish in less than three full intervals.
    expect(Date.now() - started).toBeGreaterThanOrEqual(3 * INTERVAL_MS);
  });
});
