/**
 * Unit tests write paginators and other spec parts as a spec author would; the engine compiles
 * the model (the schema's defaults applied), so tests default them the way loading does.
 */
import { withDefaults } from '../../engine/spec/defaults.js';
import type { Paginator } from '../../engine/spec/types.generated.js';
import type { Paginator as PaginatorModel } from '../../engine/spec/model.generated.js';

export function paginatorModel(spec: Paginator): PaginatorModel;
export function paginatorModel(spec: Paginator | undefined): PaginatorModel | undefined;
export function paginatorModel(spec: Paginator | undefined): PaginatorModel | undefined {
  return spec === undefined ? undefined : withDefaults<PaginatorModel>('connector', spec, 'paginator');
}
