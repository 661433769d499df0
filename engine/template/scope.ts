/**
 * What a template may use at a given place of a spec, and the check of a template against it.
 * The helper list is shared with the renderer: the value helpers are helpers.ts's, the block
 * helpers are Handlebars' own.
 */
import { helperArity, helperNames } from './helpers.js';
import { analyzeTemplate, type VariableUse } from './analyze.js';
import { closest, suggestion } from '../core/suggest.js';

export const BLOCK_HELPERS = ['if', 'unless', 'with', 'each'] as const;
export const VALUE_HELPERS: readonly string[] = helperNames;
/** Every helper a spec template may call. */
export const TEMPLATE_HELPERS: readonly string[] = [...VALUE_HELPERS, ...BLOCK_HELPERS];

const blockHelpers: readonly string[] = BLOCK_HELPERS;

/** One top-level name a template may read here (vars, record, cursor, now, …). */
export interface RootRule {
  /** Names allowed after the root (`vars.NAME`); 'any' for objects of unknown shape (record, partition). */
  fields: readonly string[] | 'any';
  /** Whether the root may be read whole: `{{partition}}`, `{{now}}`. Conditions may always test it. */
  bare: boolean;
  /** Names that exist but not here, with the sentence that explains why (e.g. cursor.id without a tieBreaker). */
  missingFields?: Record<string, string>;
  /** How the list of allowed names is introduced in messages: 'declared vars'. Default 'available'. */
  label?: string;
  /** Code for an unknown name after the root. Default 'undefined-variable'. */
  code?: string;
  /** When set, the root may only be read inside an `{{#if root}}` guard; this is said otherwise. */
  guard?: string;
}

export interface TemplateScope {
  roots: Record<string, RootRule>;
  /** Roots of the language that are not available here, with the sentence that says why. */
  unavailable: Record<string, { code: string; message: string }>;
}

export interface TemplateProblem {
  code: string;
  message: string;
  /** 1-based position inside the template text. */
  line: number;
  column: number;
}

export interface TemplateCheck {
  problems: TemplateProblem[];
  /** Every variable the template reads (empty when it does not parse). */
  variables: VariableUse[];
}

/** Parses a template and checks its helpers and variables against a scope. */
export function checkTemplate(text: string, scope: TemplateScope): TemplateCheck {
  const analysis = analyzeTemplate(text, { helpers: VALUE_HELPERS });
  if (!analysis.ok) {
    return { problems: [{ code: 'template-syntax', message: analysis.message, line: analysis.line, column: analysis.column }], variables: [] };
  }
  const problems: TemplateProblem[] = analysis.issues.map((issue) => ({ code: 'template-syntax', ...issue }));
  for (const call of analysis.helpers) {
    const problem = helperProblem(call.name, call.args, call.hashArgs, call.block);
    if (problem) problems.push({ ...problem, line: call.line, column: call.column });
  }
  for (const use of analysis.variables) {
    const problem = variableProblem(use, scope);
    if (problem) problems.push({ ...problem, line: use.line, column: use.column });
  }
  return { problems, variables: analysis.variables };
}

type Problem = { code: string; message: string };

function helperProblem(name: string, args: number, hashArgs: number, block: boolean): Problem | undefined {
  if (!TEMPLATE_HELPERS.includes(name)) {
    return { code: 'unknown-helper', message: `unknown helper '${name}' ${suggestion(name, TEMPLATE_HELPERS, { label: 'helpers' })}` };
  }
  const isBlock = blockHelpers.includes(name);
  if (block && !isBlock) return { code: 'helper-usage', message: `'${name}' is not a block helper; write {{${name} …}}` };
  if (!block && isBlock) return { code: 'helper-usage', message: `'${name}' is a block helper; write {{#${name} …}}…{{/${name}}}` };
  if (hashArgs > 0) return { code: 'helper-usage', message: `helper '${name}' takes no key=value arguments` };
  const expected = isBlock ? 1 : helperArity[name as keyof typeof helperArity];
  if (args !== expected) {
    return { code: 'helper-usage', message: `helper '${name}' takes ${expected} argument${expected === 1 ? '' : 's'}, got ${args}` };
  }
  return undefined;
}

function variableProblem(use: VariableUse, scope: TemplateScope): Problem | undefined {
  const [root, field] = use.path;
  if (root === undefined) {
    return { code: 'undefined-variable', message: `'${use.original}' is the whole template context, not a value; name a variable such as vars.NAME` };
  }
  const rule = Object.hasOwn(scope.roots, root) ? scope.roots[root] : undefined;
  if (!rule) {
    if (Object.hasOwn(scope.unavailable, root)) return scope.unavailable[root];
    const roots = Object.keys(scope.roots);
    return { code: 'undefined-variable', message: `undefined variable '${use.path.join('.')}' ${suggestion(root, roots, { label: 'available here' })}` };
  }
  const guarded = use.asCondition || use.guards.some((guard) => guard[0] === root);
  if (rule.guard && !guarded) return { code: 'unguarded-variable', message: rule.guard };
  if (field === undefined) {
    if (rule.bare || use.asCondition) return undefined;
    const example = rule.fields === 'any' ? `${root}.FIELD` : `${root}.${rule.fields[0] ?? 'NAME'}`;
    return { code: 'undefined-variable', message: `'${root}' is not a value by itself; name one of its fields, e.g. ${example}` };
  }
  if (rule.fields === 'any') return undefined;
  if (rule.fields.includes(field)) return undefined;
  if (rule.missingFields && Object.hasOwn(rule.missingFields, field)) {
    return { code: 'undefined-variable', message: rule.missingFields[field] };
  }
  if (rule.fields.length === 0 && !rule.label) {
    return { code: 'undefined-variable', message: `'${root}' has no fields; use {{${root}}}` };
  }
  // Suggest on the name alone: a shared `vars.` prefix would make any two names look alike.
  const match = closest(field, rule.fields);
  const hint = match === undefined ? '' : `did you mean '${root}.${match}'? `;
  const list = rule.fields.length === 0 ? `no ${root} are declared` : `${rule.label ?? 'available'}: ${rule.fields.join(', ')}`;
  const noun = rule.code === 'undefined-secret' ? 'secret' : 'variable';
  return { code: rule.code ?? 'undefined-variable', message: `undefined ${noun} '${root}.${field}' (${hint}${list})` };
}
