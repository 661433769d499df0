/**
 * Validation of one connector spec file: the schema check, then `use` resolution, then the
 * semantic checks (each family in its own file) on every part that passed the schema check. A
 * file without errors ends as the model: resolved, with the schema's defaults applied.
 */
import type { ConnectorSpec } from '../types.generated.js';
import type { ConnectorModel } from '../model.generated.js';
import { withDefaults } from '../defaults.js';
import { Reporter, cleanWhere, hasErrors, type Diagnostic } from '../diagnostics.js';
import { checkSchema } from '../schema-check.js';
import { resolveSpec } from '../resolve.js';
import type { SpecSource } from '../source.js';
import { checkApi } from './api.js';
import { checkDatabases } from './databases.js';
import { checkFilters } from './filters.js';
import { checkNames } from './names.js';
import { checkSyncs } from './syncs.js';
import { checkAllSourcePaths } from './value-sources.js';
import { checkPartitions } from './partitions.js';
import { checkTemplates } from './templates.js';
import type { SpecContext } from './context.js';

export interface SpecCheckOptions {
  /** Values the config gives to the spec's vars (some checks depend on them, e.g. list vars). */
  varValues?: Record<string, unknown>;
}

export interface SpecCheck {
  /** The model: the resolved spec with the schema's defaults applied, when the file has no errors. */
  spec?: ConnectorModel;
  diagnostics: Diagnostic[];
}

export function checkSpec(source: SpecSource, options: SpecCheckOptions = {}): SpecCheck {
  const schemaDiagnostics = checkSchema('connector', source);
  const raw = source.value;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return { diagnostics: schemaDiagnostics };
  const isClean = cleanWhere(schemaDiagnostics);
  const report = new Reporter(source);
  const spec = raw as ConnectorSpec;
  const resolved = resolveSpec(spec, report, isClean);
  const ctx: SpecContext = { raw: spec, resolved, report, isClean, varValues: options.varValues };
  checkApi(ctx);
  checkDatabases(ctx);
  checkNames(ctx);
  checkSyncs(ctx);
  checkAllSourcePaths(ctx);
  checkPartitions(ctx);
  checkTemplates(ctx);
  checkFilters(ctx);
  const diagnostics = [...schemaDiagnostics, ...report.diagnostics];
  return { spec: hasErrors(diagnostics) ? undefined : withDefaults<ConnectorModel>('connector', resolved.spec), diagnostics };
}
