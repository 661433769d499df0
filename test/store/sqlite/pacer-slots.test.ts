/** Shared pacer budgets in the file: every connection (every process) counts the same window. */
import { describe, expect, it } from 'vitest';
import { PACER_POLL_MS } from '../../../engine/store/sqlite/pacer-slots.js';
import { useStores } from './fixture.js';

const stores = useStores();
const budget = { pacer: 'crm.api', allowedRequests: 3, intervalMs: 1000 };
const IN_FLIGHT = 30_000;
const slotOf = (grant: { slot: number } | { retryAt: number }) => {
  if (!('slot' in grant)) throw new Error(`no slot: ${JSON.stringify(grant)}`);
  return grant.slot;
};

describe('pacer slots', () => {
  it('two connections to one file share one window: the fourth request waits for the oldest release', async () => {
    const a = stores.open();
    const b = stores.open();
    const first = slotOf(await a.takePacerSlot(budget, 'a', 10_000, IN_FLIGHT));
    const second = slotOf(await b.takePacerSlot(budget, 'b', 10_010, IN_FLIGHT));
    await a.releasePacerSlot(first, 10_100, true);
    await b.releasePacerSlot(second, 10_300, true);
    slotOf(await a.takePacerSlot(budget, 'a', 10_400, IN_FLIGHT));
    // Full, one still in flight: ask again soon (it may come back), or when the oldest window passes.
    expect(await b.takePacerSlot(budget, 'b', 10_500, IN_FLIGHT)).toEqual({ retryAt: 10_500 + PACER_POLL_MS });
    expect(await b.takePacerSlot(budget, 'b', 11_090, IN_FLIGHT)).toEqual({ retryAt: Math.min(10_101 + 1000, 11_090 + PACER_POLL_MS) });
    // The window of a released slot runs from its release (rounded up): at 11,101 the first is gone.
    slotOf(await b.takePacerSlot(budget, 'b', 11_101, IN_FLIGHT));
    expect(await a.takePacerSlot(budget, 'a', 11_102, IN_FLIGHT)).toMatchObject({ retryAt: expect.any(Number) });
  });

  it('with every slot released the refusal names when the oldest window passes', async () => {
    const store = stores.open();
    for (const at of [0, 10, 20]) await store.releasePacerSlot(slotOf(await store.takePacerSlot(budget, 'x', 5000 + at, IN_FLIGHT)), 5000 + at + 5, true);
    expect(await store.takePacerSlot(budget, 'x', 5100, IN_FLIGHT)).toEqual({ retryAt: 5006 + 1000 });
  });

  it('a slot given back (never sent) frees its place at once', async () => {
    const store = stores.open();
    const slots = [];
    for (let i = 0; i < 3; i++) slots.push(slotOf(await store.takePacerSlot(budget, 'x', 1000, IN_FLIGHT)));
    expect(await store.takePacerSlot(budget, 'x', 1001, IN_FLIGHT)).toHaveProperty('retryAt');
    await store.releasePacerSlot(slots[1], 1002, false);
    slotOf(await store.takePacerSlot(budget, 'x', 1003, IN_FLIGHT));
  });

  it('a slot left in flight by a process that died counts as ended when its request would have timed out', async () => {
    const store = stores.open();
    for (let i = 0; i < 3; i++) slotOf(await store.takePacerSlot(budget, 'dead', 1000, 2000));
    expect(await store.takePacerSlot(budget, 'x', 3500, 2000)).toHaveProperty('retryAt');
    // Expired at 3000, their windows passed at 4000.
    slotOf(await store.takePacerSlot(budget, 'x', 4000, 2000));
  });

  it('a pause one process was told of holds every process until it ends, and a shorter one does not shorten it', async () => {
    const a = stores.open();
    const b = stores.open();
    await a.pausePacer(budget.pacer, 9000.5);
    await b.pausePacer(budget.pacer, 7000);
    expect(await b.takePacerSlot(budget, 'b', 5000, IN_FLIGHT)).toEqual({ retryAt: 9001 });
    slotOf(await b.takePacerSlot({ ...budget, pacer: 'crm.other' }, 'b', 5000, IN_FLIGHT));
    slotOf(await b.takePacerSlot(budget, 'b', 9001, IN_FLIGHT));
  });

  it('budgets of different pacers do not mix', async () => {
    const store = stores.open();
    for (let i = 0; i < 3; i++) slotOf(await store.takePacerSlot(budget, 'x', 1000, IN_FLIGHT));
    slotOf(await store.takePacerSlot({ ...budget, pacer: 'crm.other' }, 'x', 1000, IN_FLIGHT));
  });
});
