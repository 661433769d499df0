/**
 * Static analysis of a template: which variables it reads and which helpers it calls, found from
 * Handlebars' own AST (never by regex), with the guards in effect at each use. Nothing is rendered.
 *
 * Paths are resolved to the root: inside `{{#with vars.repo}}`, `{{name}}` is `vars.repo.name`;
 * inside `{{#each vars.repos as |repo|}}`, `{{repo.name}}` is a use of `vars.repos` itself.
 */
import Handlebars from 'handlebars';

type Program = hbs.AST.Program;
type Node = hbs.AST.Node;
type Expression = hbs.AST.Expression;
type PathExpression = hbs.AST.PathExpression;
type Hash = hbs.AST.Hash;

export interface VariableUse {
  /** Root-relative path, e.g. ['cursor', 'value']; [] for the whole top-level context. */
  path: string[];
  /** As written, e.g. `../vars.x` or `this.name`. */
  original: string;
  /** Paths tested by the enclosing `{{#if}}`, `{{#unless}}…{{else}}` and `{{#with}}` blocks. */
  guards: string[][];
  /** The condition of an if/unless/with itself: reading a missing value there is harmless. */
  asCondition: boolean;
  /** 1-based, within the template text. */
  line: number;
  column: number;
}

export interface HelperCall {
  name: string;
  /** Positional arguments (hash arguments are counted apart). */
  args: number;
  hashArgs: number;
  /** Called as `{{#name}}…{{/name}}`. */
  block: boolean;
  line: number;
  column: number;
}

export interface TemplateIssue {
  message: string;
  line: number;
  column: number;
}

export type TemplateAnalysis =
  | { ok: true; variables: VariableUse[]; helpers: HelperCall[]; issues: TemplateIssue[] }
  | { ok: false; message: string; line: number; column: number };

export interface AnalyzeOptions {
  /** Names that, used alone in a mustache (`{{name}}`), call a helper instead of reading a variable. */
  helpers: readonly string[];
}

/** What relative paths mean at a point of the template. */
interface Frame {
  /** Root path of the current context (`this`). */
  base: string[];
  /** Inside #each: `this` is one item of `base`, whose fields cannot be known. */
  item: boolean;
  /** Block params (`as |x i|`) visible here, by name; 'index' for the position of #each. */
  locals: Map<string, { base: string[]; item: boolean } | 'index'>;
}

export function analyzeTemplate(text: string, options: AnalyzeOptions): TemplateAnalysis {
  let program: Program;
  try {
    program = Handlebars.parse(text);
  } catch (error) {
    return { ok: false, ...syntaxError(error instanceof Error ? error.message : String(error), text) };
  }
  const walker = new Walker(new Set(options.helpers));
  walker.program(program, [{ base: [], item: false, locals: new Map() }], []);
  return { ok: true, variables: walker.variables, helpers: walker.helpers, issues: walker.issues };
}

/** What Handlebars' grammar tokens mean to someone writing a template. */
const UNEXPECTED: Record<string, string> = {
  EOF: 'the template ends before a {{…}} or a {{#block}} is closed',
  INVALID: 'a {{…}} is not closed, or holds a character that is not allowed',
  CLOSE: "'}}' comes before the expression it should close",
  OPEN_ENDBLOCK: 'a {{/block}} closes a block that was never opened',
};

/** Handlebars' parse errors are several lines with an ASCII caret; keep what helps. */
function syntaxError(raw: string, text: string): { message: string; line: number; column: number } {
  const lines = raw.split('\n');
  const mismatch = /^(\S+) doesn't match (\S+) - (\d+):(\d+)/.exec(raw);
  const line = Number(mismatch?.[3] ?? /line (\d+)/.exec(lines[0])?.[1] ?? 1);
  const where = text.includes('\n') ? ` (template line ${line})` : '';
  let reason: string;
  if (mismatch) reason = `{{/${mismatch[2]}}} does not close {{#${mismatch[1]}}}`;
  else {
    const got = /got '([^']+)'$/.exec(lines[lines.length - 1])?.[1];
    reason = got ? (UNEXPECTED[got] ?? `unexpected ${got.toLowerCase().replace(/_/g, ' ')}`) : lines[0];
  }
  return { message: `invalid template: ${reason}${where}`, line, column: 1 };
}

class Walker {
  readonly variables: VariableUse[] = [];
  readonly helpers: HelperCall[] = [];
  readonly issues: TemplateIssue[] = [];

  constructor(private readonly helperNames: Set<string>) {}

  program(program: Program, frames: Frame[], guards: string[][]): void {
    for (const statement of program.body) this.statement(statement, frames, guards);
  }

  private statement(node: Node, frames: Frame[], guards: string[][]): void {
    switch (node.type) {
      case 'MustacheStatement': {
        const mustache = node as hbs.AST.MustacheStatement;
        const hashArgs = mustache.hash?.pairs.length ?? 0;
        const path = mustache.path;
        if (path.type !== 'PathExpression') return;
        const pathExpression = path as PathExpression;
        const callsHelper =
          mustache.params.length > 0 || hashArgs > 0 || (isSimpleName(pathExpression) && this.helperNames.has(pathExpression.original));
        if (!callsHelper) return this.use(pathExpression, frames, guards, false);
        this.call(pathExpression.original, mustache.params, mustache.hash, false, node, frames, guards);
        return;
      }
      case 'BlockStatement':
        return this.block(node as hbs.AST.BlockStatement, frames, guards);
      case 'PartialStatement':
      case 'PartialBlockStatement':
        return this.issue('partials ({{> name}}) are not supported in spec templates', node);
      case 'DecoratorBlock':
      case 'Decorator':
        return this.issue('decorators are not supported in spec templates', node);
      default:
        return; // content and comments
    }
  }

  private block(block: hbs.AST.BlockStatement, frames: Frame[], guards: string[][]): void {
    const name = block.path.original;
    this.call(name, [], block.hash, true, block, frames, guards, block.params.length);
    const [subject] = block.params;
    const subjectPath = subject?.type === 'PathExpression' ? this.resolve(subject as PathExpression, frames) : undefined;
    const guarding = name === 'if' || name === 'unless' || name === 'with';
    for (const param of block.params) {
      this.expression(param, frames, guards, guarding && param === subject);
    }
    const top = frames[frames.length - 1];
    const withSubject = subjectPath ? [...guards, subjectPath.path] : guards;
    const blockParams = block.program?.blockParams ?? [];
    const inner = (base: string[], item: boolean): Frame[] => {
      const locals = new Map(top.locals);
      if (blockParams[0] !== undefined) locals.set(blockParams[0], { base, item });
      if (blockParams[1] !== undefined) locals.set(blockParams[1], 'index');
      return [...frames, { base, item, locals }];
    };
    if (name === 'if') {
      this.program(block.program, frames, withSubject);
      if (block.inverse) this.program(block.inverse, frames, guards);
    } else if (name === 'unless') {
      this.program(block.program, frames, guards);
      if (block.inverse) this.program(block.inverse, frames, withSubject);
    } else if (name === 'with' && subjectPath) {
      this.program(block.program, inner(subjectPath.path, subjectPath.item), withSubject);
      if (block.inverse) this.program(block.inverse, frames, guards);
    } else if (name === 'each' && subjectPath) {
      this.program(block.program, inner(subjectPath.path, true), withSubject);
      if (block.inverse) this.program(block.inverse, frames, guards);
    } else {
      if (block.program) this.program(block.program, frames, guards);
      if (block.inverse) this.program(block.inverse, frames, guards);
    }
  }

  private call(
    name: string,
    params: Expression[],
    hash: Hash | undefined,
    block: boolean,
    node: Node,
    frames: Frame[],
    guards: string[][],
    args = params.length,
  ): void {
    const { line, column } = position(node);
    this.helpers.push({ name, args, hashArgs: hash?.pairs.length ?? 0, block, line, column });
    for (const param of params) this.expression(param, frames, guards, false);
    for (const pair of hash?.pairs ?? []) this.expression(pair.value, frames, guards, false);
  }

  private expression(node: Expression, frames: Frame[], guards: string[][], asCondition: boolean): void {
    if (node.type === 'PathExpression') return this.use(node as PathExpression, frames, guards, asCondition);
    if (node.type === 'SubExpression') {
      const sub = node as hbs.AST.SubExpression;
      this.call(sub.path.original, sub.params, sub.hash, false, sub, frames, guards);
    }
    // literals read nothing
  }

  private use(path: PathExpression, frames: Frame[], guards: string[][], asCondition: boolean): void {
    const resolved = this.resolve(path, frames);
    if (!resolved) return;
    const { line, column } = position(path);
    this.variables.push({ path: resolved.path, original: path.original, guards, asCondition, line, column });
  }

  /** The root path a path expression reads, or undefined for data variables (@index, …). */
  private resolve(path: PathExpression, frames: Frame[]): { path: string[]; item: boolean } | undefined {
    const parts = [...path.parts];
    if (path.data) {
      if (parts[0] === 'root') return { path: parts.slice(1), item: false };
      if (!frames.some((frame) => frame.item)) {
        this.issue(`@${parts[0]} is only defined inside {{#each}}`, path);
      }
      return undefined;
    }
    const frame = frames[Math.max(0, frames.length - 1 - path.depth)];
    const explicitThis = /^(this\b|\.\/|\.\.\/)/.test(path.original) || path.depth > 0;
    const local = !explicitThis && parts.length > 0 ? frame.locals.get(parts[0]) : undefined;
    if (local === 'index') return undefined;
    if (local) return local.item ? { path: local.base, item: true } : { path: [...local.base, ...parts.slice(1)], item: false };
    if (frame.item) return { path: frame.base, item: true };
    return { path: [...frame.base, ...parts], item: false };
  }

  private issue(message: string, node: Node): void {
    this.issues.push({ message, ...position(node) });
  }
}

function isSimpleName(path: PathExpression): boolean {
  return !path.data && path.depth === 0 && path.parts.length === 1 && path.original === path.parts[0];
}

function position(node: Node): { line: number; column: number } {
  const start = (node as { loc?: hbs.AST.SourceLocation }).loc?.start;
  return { line: start?.line ?? 1, column: (start?.column ?? 0) + 1 };
}
