/**
 * Rendering of spec templates. Handlebars runs in a private environment (our helpers only, no HTML
 * escaping: each landing site encodes for itself). Every `{{…}}` of a template is rewritten at compile
 * time into a call of a site helper, so each interpolated value is turned into text one way — objects as
 * JSON, Dates as ISO — and, for URL paths, percent-encoded as a segment while the literal text stays as written.
 */
import Handlebars from 'handlebars';
import { helperArity, helperNames, PathSegments, templateHelpers } from './helpers.js';

export type TemplateSite = 'text' | 'path' | 'query' | 'header';

export interface TemplateContext {
  vars?: Record<string, unknown>;
  secrets?: Record<string, string>;
  /** `tie`: requery pagination only, true while it pages through records sharing one value. */
  cursor?: { value: unknown; id?: string | null; tie?: boolean };
  partition?: unknown;
  page?: { size?: number };
  record?: unknown;
  now?: string;
  until?: string;
}

/** A template that cannot be compiled or rendered; the message names the template's source. */
export class TemplateError extends Error {
  constructor(
    message: string,
    readonly template: string,
  ) {
    super(message);
    this.name = 'TemplateError';
  }
}

type AST = hbs.AST.Program;
type Mustache = hbs.AST.MustacheStatement;
type Expression = hbs.AST.Expression;

// Names no template can reach by accident: the analyzer only admits the helpers of helpers.ts.
const TEXT_HELPER = '__syncspec_text';
const PATH_HELPER = '__syncspec_path_segment';
const CAPTURE_HELPER = '__syncspec_capture';

const env = Handlebars.create();
// `log` would write template values (secrets included) to the console.
env.unregisterHelper('log');
const COMPILE_OPTIONS = { noEscape: true, strict: false, knownHelpers: { log: false } };
for (const name of helperNames) {
  const helper = templateHelpers[name] as (...args: unknown[]) => unknown;
  env.registerHelper(name, (...args: unknown[]) => {
    args.pop(); // Handlebars' options object
    if (args.length !== helperArity[name]) {
      const expected = helperArity[name];
      throw new Error(`${name} takes ${expected} argument${expected === 1 ? '' : 's'}, got ${args.length}`);
    }
    return helper(...args);
  });
}
env.registerHelper(TEXT_HELPER, (value: unknown) => toText(value));
env.registerHelper(PATH_HELPER, (value: unknown) =>
  value instanceof PathSegments ? value.parts.map((part) => encodeURIComponent(part)).join('/') : encodeURIComponent(toText(value)));
env.registerHelper(CAPTURE_HELPER, (value: unknown, options: { data: { sink: { value: unknown } } }) => {
  options.data.sink.value = value;
  return '';
});

/** How an interpolated value becomes text: missing → '', objects and arrays → JSON, Dates → ISO. */
function toText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  if (value instanceof PathSegments) return value.toString();
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export function compileTemplate(source: string, site: TemplateSite = 'text'): (ctx: TemplateContext) => string {
  const ast = parse(source);
  wrapMustaches(ast, site === 'path' ? PATH_HELPER : TEXT_HELPER);
  const template = env.compile<TemplateContext>(ast, COMPILE_OPTIONS);
  return (ctx) => {
    const text = run(source, () => template(ctx));
    if (site === 'header' && /[\r\n]/.test(text)) {
      throw new TemplateError(
        `header template ${JSON.stringify(source)} rendered a value containing a line break (CR/LF); ` +
          'refusing to send it, as it would inject headers',
        source,
      );
    }
    return text;
  };
}

/** A template that is exactly one {{expression}} yields the value itself (number, array, object…), otherwise a string. */
export function compileValueTemplate(source: string): (ctx: TemplateContext) => unknown {
  if (!source.includes('{{')) return () => source;
  const ast = parse(source);
  const only = ast.body.length === 1 ? ast.body[0] : undefined;
  if (only?.type !== 'MustacheStatement') return compileTemplate(source, 'text');
  ast.body = [wrap(only as Mustache, CAPTURE_HELPER)];
  const template = env.compile(ast, COMPILE_OPTIONS);
  return (ctx) => {
    const sink: { value: unknown } = { value: undefined };
    run(source, () => template(ctx, { data: { sink } }));
    return sink.value;
  };
}

/**
 * A JSON body whose every string is a template (value templates), compiled once. Object keys are literal;
 * a key whose value renders as missing (undefined) is left out, as JSON would.
 */
export function compileBody(body: unknown): (ctx: TemplateContext) => unknown {
  if (typeof body === 'string') return compileValueTemplate(body);
  if (Array.isArray(body)) {
    const items = body.map(compileBody);
    return (ctx) => items.map((item) => item(ctx));
  }
  if (body !== null && typeof body === 'object') {
    const entries = Object.entries(body).map(([key, value]) => [key, compileBody(value)] as const);
    return (ctx) => {
      const out: Record<string, unknown> = {};
      for (const [key, render] of entries) {
        const value = render(ctx);
        if (value !== undefined) out[key] = value;
      }
      return out;
    };
  }
  return () => body;
}

function parse(source: string): AST {
  try {
    return env.parse(source);
  } catch (error) {
    throw new TemplateError(`invalid template ${JSON.stringify(source)}: ${messageOf(error)}`, source);
  }
}

function run<T>(source: string, render: () => T): T {
  try {
    return render();
  } catch (error) {
    if (error instanceof TemplateError) throw error;
    throw new TemplateError(`template ${JSON.stringify(source)}: ${messageOf(error)}`, source);
  }
}

/** Handlebars' parse errors span four lines (position, excerpt, caret, expectation); keep the first and last. */
function messageOf(error: unknown): string {
  const lines = (error instanceof Error ? error.message : String(error)).split('\n');
  return lines.length > 1 ? `${lines[0]} ${lines[lines.length - 1]}` : lines[0];
}

/** Rewrites every mustache, inside blocks too, as `{{helper (original)}}`. Literal text is untouched. */
function wrapMustaches(program: AST | undefined, helper: string): void {
  if (!program) return;
  program.body = program.body.map((statement) => {
    if (statement.type === 'MustacheStatement') return wrap(statement as Mustache, helper);
    if (statement.type === 'BlockStatement') {
      const block = statement as hbs.AST.BlockStatement;
      wrapMustaches(block.program, helper);
      wrapMustaches(block.inverse, helper);
    }
    return statement;
  });
}

function wrap(mustache: Mustache, helper: string): Mustache {
  const loc = mustache.loc;
  const path: hbs.AST.PathExpression = {
    type: 'PathExpression',
    data: false,
    depth: 0,
    parts: [helper],
    original: helper,
    loc,
  };
  // The parser itself leaves `hash` undefined when a mustache has none; the typings say otherwise.
  return { ...mustache, path, params: [innerExpression(mustache)], hash: undefined as unknown as hbs.AST.Hash };
}

/** `{{vars.x}}` becomes the parameter `vars.x`; a helper call `{{iso x}}` becomes the sub-expression `(iso x)`. */
function innerExpression(mustache: Mustache): Expression {
  const path = mustache.path as hbs.AST.PathExpression;
  const isCall =
    mustache.params.length > 0 ||
    (mustache.hash !== undefined && mustache.hash.pairs.length > 0) ||
    (path.type === 'PathExpression' && path.parts.length === 1 && !path.data && Object.hasOwn(env.helpers, path.parts[0]));
  if (!isCall) return mustache.path;
  const call: hbs.AST.SubExpression = {
    type: 'SubExpression',
    path,
    params: mustache.params,
    hash: mustache.hash,
    loc: mustache.loc,
  };
  return call;
}
