/**
 * The ServiceNow route's encoded-query precedence, as ServiceNow documents it: `^NQ` splits the query
 * into OR-ed sub-queries; inside one, `^` is AND and `^OR` OR-s a term with the term just before it.
 * Each query is checked against the source truth, so a wrong precedence shows up as a wrong id list.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox, type SourceRecord } from '../../sandbox/server.js';
import { get, ids, snowTime, sortedByKey } from './helpers.js';

let sb: Sandbox;
beforeAll(async () => {
  sb = await startSandbox({ seed: 5, counts: { contacts: 200 }, clean: true });
});
afterAll(() => sb.close());

/** Every match of `query`, in (sys_updated_on, sys_id) order, as ids. */
async function matching(query: string): Promise<string[]> {
  const { status, body, headers } = await get(sb, `/v1/snow/contacts?sysparm_limit=100&sysparm_query=${encodeURIComponent(query)}`);
  expect(status, JSON.stringify(body)).toBe(200);
  const total = Number(headers.get('x-total-count'));
  const out = ids(body.result);
  for (let offset = 100; offset < total; offset += 100) {
    const page = await get(sb, `/v1/snow/contacts?sysparm_limit=100&sysparm_offset=${offset}&sysparm_query=${encodeURIComponent(query)}`);
    out.push(...ids(page.body.result));
  }
  expect(out).toHaveLength(total);
  return out;
}

/** The truth filtered by `predicate`, in the route's default order. */
function expected(predicate: (c: SourceRecord) => boolean): string[] {
  const truth = sb.source.list('contacts').filter(predicate);
  return ids(sortedByKey(truth.map((c) => ({ id: c.id, updated_at: snowTime(c.updated_at) }))));
}

const lead = (c: SourceRecord) => c.stage === 'Lead';
const churned = (c: SourceRecord) => c.stage === 'Churned';
const active = (c: SourceRecord) => c.active === true;

describe('ServiceNow encoded-query precedence', () => {
  it('a^ORb^c is (a OR b) AND c', async () => {
    const want = expected((c) => (lead(c) || churned(c)) && active(c));
    expect(await matching('stage=Lead^ORstage=Churned^active=true')).toEqual(want);
    // Not the AND-first reading a OR (b AND c): the seeded data tells them apart.
    expect(want).not.toEqual(expected((c) => lead(c) || (churned(c) && active(c))));
  });

  it('a^NQb^c is a OR (b AND c)', async () => {
    const want = expected((c) => lead(c) || (churned(c) && active(c)));
    expect(await matching('stage=Lead^NQstage=Churned^active=true')).toEqual(want);
    expect(want).not.toEqual(expected((c) => (lead(c) || churned(c)) && active(c)));
  });

  it('chains: a^ORb^ORc^d^ORe is (a OR b OR c) AND (d OR e), and ^NQ sub-queries each get their own clauses', async () => {
    const qualified = (c: SourceRecord) => c.stage === 'Qualified';
    expect(await matching('stage=Lead^ORstage=Churned^ORstage=Qualified^active=false^ORscore>0.9')).toEqual(
      expected((c) => (lead(c) || churned(c) || qualified(c)) && (!active(c) || Number(c.score) > 0.9)),
    );
    expect(await matching('stage=Lead^active=true^NQstage=Churned^ORstage=Qualified^active=false')).toEqual(
      expected((c) => (lead(c) && active(c)) || ((churned(c) || qualified(c)) && !active(c))),
    );
  });

  it('the keyset predicate needs ^NQ: the ^OR spelling is (updated >= X) AND sys_id > Y', async () => {
    // A cursor in the middle of the (second, id) order, at an id that is not the largest.
    const order = expected(() => true);
    const cursor = sb.source.get('contacts', order[100])!;
    const [X, Y] = [snowTime(cursor.updated_at), cursor.id];
    const after = (c: SourceRecord) => snowTime(c.updated_at) > X || (snowTime(c.updated_at) === X && c.id > Y);
    const keyset = await matching(`sys_updated_on>${X}^NQsys_updated_on=${X}^sys_id>${Y}^ORDERBYsys_updated_on^ORDERBYsys_id`);
    expect(keyset).toEqual(expected(after));
    expect(keyset).toEqual(order.slice(101));
    const wrong = await matching(`sys_updated_on>${X}^ORsys_updated_on=${X}^sys_id>${Y}^ORDERBYsys_updated_on^ORDERBYsys_id`);
    expect(wrong).toEqual(expected((c) => snowTime(c.updated_at) >= X && c.id > Y));
    expect(wrong.length).toBeLessThan(keyset.length);
  });

  it('an empty keyset cursor in the ^NQ form means "from the beginning"', async () => {
    expect(await matching('sys_updated_on>^NQsys_updated_on=^sys_id>^ORDERBYsys_updated_on^ORDERBYsys_id')).toEqual(expected(() => true));
  });

  it('bounds the scanned range only by single-term clauses, and spans the ^NQ sub-queries', async () => {
    const order = expected(() => true);
    const [low, high] = [order[30], order[170]].map((id) => snowTime(sb.source.get('contacts', id)!.updated_at));
    const outside = (c: SourceRecord) => snowTime(c.updated_at) < low || snowTime(c.updated_at) > high;
    // An OR-clause of two datetime terms: neither term alone may cut the range.
    expect(await matching(`sys_updated_on<${low}^ORsys_updated_on>${high}`)).toEqual(expected(outside));
    expect(await matching(`sys_updated_on<${low}^NQsys_updated_on>${high}`)).toEqual(expected(outside));
    expect(await matching(`sys_updated_on>=${low}^sys_updated_on<=${high}^stage=Lead`)).toEqual(
      expected((c) => !outside(c) && lead(c)),
    );
  });

  it('rejects an ^OR with no term before it', async () => {
    const { status, body } = await get(sb, `/v1/snow/contacts?sysparm_query=${encodeURIComponent('ORstage=Lead')}`);
    expect(status).toBe(400);
    expect(body.status).toBe('failure');
    expect((await get(sb, `/v1/snow/contacts?sysparm_query=${encodeURIComponent('stage=Lead^NQ^ORstage=Churned')}`)).status).toBe(400);
  });
});
