/**
 * One Pacer per named budget, shared by every sync of the connector that names it: the budget is
 * the API's, not the sync's. Once the project's store is open, every pacer's budget is the store's
 * as well (`share`), so processes on one database keep to it together.
 */
import { hostname } from 'node:os';
import { Pacer } from '../http/pacer.js';
import type { Pacer as PacerSpec } from '../spec/model.generated.js';
import type { Store } from '../store/store.js';

/** The store's side of shared budgets. */
export type PacerLedger = Pick<Store, 'takePacerSlot' | 'releasePacerSlot' | 'pausePacer'>;

interface Entry {
  pacer: Pacer;
  spec: PacerSpec;
  /** How long one request may be in flight (the API's timeout): a slot a dead process holds ends then. */
  inFlightMs: number;
}

export class PacerRegistry {
  private readonly pacers = new Map<string, Entry>();
  private ledger: PacerLedger | undefined;
  /** Who holds a slot, for whoever reads the table: this process. */
  private readonly holder = `${hostname()}:${process.pid}`;

  get(connector: string, name: string, spec: PacerSpec, inFlightMs: number): Pacer {
    const id = `${connector}.${name}`;
    let entry = this.pacers.get(id);
    if (!entry) {
      entry = { pacer: new Pacer(id, spec), spec, inFlightMs };
      this.pacers.set(id, entry);
      if (this.ledger) this.bind(id, entry, this.ledger);
    }
    return entry.pacer;
  }

  /** From now on every pacer, those made already and those to come, keeps its budget in `ledger` too. */
  share(ledger: PacerLedger): void {
    this.ledger = ledger;
    for (const [id, entry] of this.pacers) this.bind(id, entry, ledger);
  }

  private bind(id: string, entry: Entry, ledger: PacerLedger): void {
    const budget = { pacer: id, allowedRequests: entry.spec.allowedRequests, intervalMs: entry.spec.intervalMs };
    entry.pacer.share({
      take: (nowMs) => ledger.takePacerSlot(budget, this.holder, nowMs, entry.inFlightMs),
      release: (slot, nowMs, used) => ledger.releasePacerSlot(slot, nowMs, used),
      pause: (untilMs) => ledger.pausePacer(id, untilMs),
    });
  }
}
