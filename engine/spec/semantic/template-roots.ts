/**
 * What the template checks share: the roots of the template language, the roots every place
 * declares (vars, secrets), and the check of one template string reported at its scalar.
 */
import type { DocPath } from '../diagnostics.js';
import { checkTemplate, type RootRule, type TemplateScope } from '../../template/scope.js';
import type { VariableUse } from '../../template/analyze.js';
import type { SpecContext } from './context.js';

export const LANGUAGE_ROOTS = ['vars', 'secrets', 'now', 'until', 'page', 'cursor', 'partition', 'record'] as const;

export type Unavailable = TemplateScope['unavailable'];

/** Reports a template's problems at its scalar; returns what it reads. */
export function check(ctx: SpecContext, path: DocPath, text: string, scope: TemplateScope): VariableUse[] {
  const { problems, variables } = checkTemplate(text, scope);
  for (const problem of problems) ctx.report.error(path, problem.code, problem.message);
  return variables;
}

export function declaredRoots(ctx: SpecContext, withSecrets: boolean): Record<string, RootRule> {
  const roots: Record<string, RootRule> = {
    vars: { fields: Object.keys(ctx.raw.vars ?? {}), bare: false, label: 'declared vars' },
  };
  if (withSecrets) {
    roots.secrets = { fields: Object.keys(ctx.raw.secrets ?? {}), bare: false, label: 'declared secrets', code: 'undefined-secret' };
  }
  return roots;
}

/** `unavailable` entries for every language root not in `roots`, all with one explanation. */
export function othersUnavailable(roots: Record<string, RootRule>, because: (root: string) => string, given: Unavailable = {}): Unavailable {
  const out: Unavailable = { ...given };
  for (const root of LANGUAGE_ROOTS) {
    if (!Object.hasOwn(roots, root) && !Object.hasOwn(out, root)) out[root] = { code: 'undefined-variable', message: because(root) };
  }
  return out;
}
