/**
 * One Pacer per named budget, shared by every sync of the connector that names it: the budget is
 * the API's, not the sync's.
 */
import { Pacer } from '../http/pacer.js';
import type { Pacer as PacerSpec } from '../spec/model.generated.js';

export class PacerRegistry {
  private readonly pacers = new Map<string, Pacer>();

  get(connector: string, name: string, spec: PacerSpec): Pacer {
    const id = `${connector}.${name}`;
    let pacer = this.pacers.get(id);
    if (!pacer) {
      pacer = new Pacer(id, spec);
      this.pacers.set(id, pacer);
    }
    return pacer;
  }
}
