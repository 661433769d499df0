import { describe, expect, test } from 'vitest';
import { analyzeTemplate, type TemplateAnalysis } from '../../engine/template/analyze.js';
import { checkTemplate, TEMPLATE_HELPERS, type TemplateScope } from '../../engine/template/scope.js';

const helpers = ['iso', 'json', 'default'];

function analyzed(text: string): Extract<TemplateAnalysis, { ok: true }> {
  const result = analyzeTemplate(text, { helpers });
  if (!result.ok) throw new Error(result.message);
  return result;
}

/** Each variable as `path [guards] (condition)`. */
function reads(text: string): string[] {
  return analyzed(text).variables.map(
    (v) => `${v.path.join('.')}${v.guards.length ? ` [${v.guards.map((g) => g.join('.')).join(', ')}]` : ''}${v.asCondition ? ' (condition)' : ''}`,
  );
}

describe('analyzeTemplate', () => {
  test('finds variables in mustaches, helper params, hash values and sub-expressions', () => {
    expect(reads('a {{vars.x}} {{iso cursor.value}} {{default (json record.[first name]) vars.fallback}} {{lookup record key=vars.k}}')).toEqual([
      'vars.x',
      'cursor.value',
      'record.first name',
      'vars.fallback',
      'record',
      'vars.k',
    ]);
  });

  test('a bare helper name is a helper call, anything else a variable', () => {
    const result = analyzed('{{iso}} {{now}}');
    expect(result.helpers.map((h) => [h.name, h.args])).toEqual([['iso', 0]]);
    expect(result.variables.map((v) => v.path)).toEqual([['now']]);
  });

  test('tracks #if, #unless … else and #with guards; conditions themselves are safe', () => {
    expect(reads('{{#if cursor}}{{cursor.value}}{{else}}{{now}}{{/if}}')).toEqual(['cursor (condition)', 'cursor.value [cursor]', 'now']);
    expect(reads('{{#unless cursor.id}}{{a}}{{else}}{{cursor.id}}{{/unless}}')).toEqual([
      'cursor.id (condition)',
      'a',
      'cursor.id [cursor.id]',
    ]);
    expect(reads('{{#with partition}}{{name}} {{../vars.x}}{{/with}}')).toEqual([
      'partition (condition)',
      'partition.name [partition]',
      'vars.x [partition]',
    ]);
  });

  test('resolves #each items and block params to the list they come from', () => {
    expect(reads('{{#each vars.repos as |repo i|}}{{repo.name}}{{i}}{{@index}}{{this}}{{/each}}')).toEqual([
      'vars.repos',
      'vars.repos [vars.repos]',
      'vars.repos [vars.repos]',
    ]);
    expect(reads('{{#with vars.repo as |r|}}{{r.owner}}{{/with}} {{@root.vars.y}}')).toEqual([
      'vars.repo (condition)',
      'vars.repo.owner [vars.repo]',
      'vars.y',
    ]);
  });

  test('records helper calls with their argument counts and positions', () => {
    const { helpers: calls } = analyzed('x\n  {{#each a}}{{formatDate b "c"}}{{/each}}');
    expect(calls).toEqual([
      { name: 'each', args: 1, hashArgs: 0, block: true, line: 2, column: 3 },
      { name: 'formatDate', args: 2, hashArgs: 0, block: false, line: 2, column: 14 },
    ]);
  });

  test('partials and @data outside #each are issues', () => {
    expect(analyzed('{{> footer}} {{@index}}').issues.map((i) => i.message)).toEqual([
      'partials ({{> name}}) are not supported in spec templates',
      '@index is only defined inside {{#each}}',
    ]);
  });

  test.each([
    ['{{#if x}}a', 'invalid template: the template ends before a {{…}} or a {{#block}} is closed'],
    ['{{record.name', 'invalid template: a {{…}} is not closed, or holds a character that is not allowed'],
    ['{{#if x}}a{{/each}}', 'invalid template: {{/each}} does not close {{#if}}'],
    ['{{ }}', "invalid template: '}}' comes before the expression it should close"],
    ['a\n{{/if}}', 'invalid template: a {{/block}} closes a block that was never opened (template line 2)'],
  ])('syntax error in %j', (text, message) => {
    expect(analyzeTemplate(text, { helpers })).toMatchObject({ ok: false, message });
  });
});

describe('checkTemplate', () => {
  const scope: TemplateScope = {
    roots: {
      vars: { fields: ['tenant', 'region'], bare: false, label: 'declared vars' },
      cursor: { fields: ['value', 'id'], bare: false, guard: 'cursor needs a guard' },
      now: { fields: [], bare: true },
      record: { fields: 'any', bare: true },
    },
    unavailable: { secrets: { code: 'secret-not-allowed', message: 'no secrets here' } },
  };
  const problems = (text: string) => checkTemplate(text, scope).problems.map((p) => `${p.code}: ${p.message}`);

  test('the helper list is the renderer value helpers and the block helpers', () => {
    expect(TEMPLATE_HELPERS).toEqual(['iso', 'epochSeconds', 'epochMillis', 'date', 'sqlTime', 'formatTime', 'json', 'default', 'segments', 'if', 'unless', 'with', 'each']);
  });

  test('accepts what the scope offers', () => {
    expect(problems('{{vars.tenant}} {{iso now}} {{#if cursor}}{{cursor.value}}{{/if}} {{record.a.b}} {{default record.x "-"}}')).toEqual([]);
  });

  test.each([
    ['{{vars.tennant}}', "undefined-variable: undefined variable 'vars.tennant' (did you mean 'vars.tenant'? declared vars: tenant, region)"],
    ['{{var.tenant}}', "undefined-variable: undefined variable 'var.tenant' (did you mean 'vars'? available here: vars, cursor, now, record)"],
    ['{{vars}}', "undefined-variable: 'vars' is not a value by itself; name one of its fields, e.g. vars.tenant"],
    ['{{now.year}}', "undefined-variable: 'now' has no fields; use {{now}}"],
    ['{{secrets.token}}', 'secret-not-allowed: no secrets here'],
    ['{{cursor.value}}', 'unguarded-variable: cursor needs a guard'],
    ['{{#if vars.tenant}}{{cursor.value}}{{/if}}', 'unguarded-variable: cursor needs a guard'],
    ['{{formatDate now}}', "unknown-helper: unknown helper 'formatDate' (did you mean 'formatTime'? helpers: iso, epochSeconds, epochMillis, date, sqlTime, formatTime, json, default, segments, if, unless, with, each)"],
    ['{{default now}}', "helper-usage: helper 'default' takes 2 arguments, got 1"],
    ['{{#iso now}}x{{/iso}}', "helper-usage: 'iso' is not a block helper; write {{iso …}}"],
    ['{{if now}}', "helper-usage: 'if' is a block helper; write {{#if …}}…{{/if}}"],
    ['{{iso now format="x"}}', "helper-usage: helper 'iso' takes no key=value arguments"],
    ['{{this}}', "undefined-variable: 'this' is the whole template context, not a value; name a variable such as vars.NAME"],
  ])('%s', (text, problem) => {
    expect(problems(text)).toEqual([problem]);
  });
});
