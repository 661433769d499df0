import { describe, expect, test } from 'vitest';
import { compileBody, compileTemplate, compileValueTemplate, TemplateError } from '../../engine/template/render.js';
import { helperNames, parseTime } from '../../engine/template/helpers.js';

const ctx = {
  vars: { id: 'a/b c', n: 5, list: [1, 2], obj: { a: 1 }, empty: '' },
  secrets: { token: 's3cr3t-value' },
  page: { size: 10 },
  cursor: { value: '2024-01-02T03:04:05Z', id: '42' },
  partition: { owner: 'acme', repo: 'r?x' },
};

describe('compileTemplate', () => {
  test('path site percent-encodes each value as a segment, literal text stays as written', () => {
    expect(compileTemplate('/items/{{vars.id}}/sub/x', 'path')(ctx)).toBe('/items/a%2Fb%20c/sub/x');
    expect(compileTemplate('/repos/{{partition.owner}}/{{partition.repo}}/issues', 'path')(ctx)).toBe(
      '/repos/acme/r%3Fx/issues',
    );
  });

  test('path site encodes values inside blocks and helper results too', () => {
    expect(compileTemplate('/x{{#if vars.id}}/{{vars.id}}{{/if}}', 'path')(ctx)).toBe('/x/a%2Fb%20c');
    expect(compileTemplate('/since/{{sqlTime cursor.value}}', 'path')(ctx)).toBe('/since/2024-01-02%2003%3A04%3A05');
  });

  test('segments keeps the slashes of a value in a path, each part still encoded, and refuses parts that move the path', () => {
    expect(compileTemplate('/repos/{{segments vars.id}}/issues', 'path')(ctx)).toBe('/repos/a/b%20c/issues');
    expect(compileTemplate('/repos/{{segments "octocat/Hello-World"}}', 'path')(ctx)).toBe('/repos/octocat/Hello-World');
    expect(compileTemplate('q={{segments vars.id}}', 'query')(ctx)).toBe('q=a/b c');
    expect(compileTemplate('/x/{{segments vars.missing}}', 'path')(ctx)).toBe('/x/');
    for (const bad of ['../admin', 'a//b', 'a/.', '/a']) {
      expect(() => compileTemplate('/repos/{{segments vars.bad}}', 'path')({ vars: { bad } })).toThrow(/segments: .* segment, which would change the path/);
    }
    expect(() => compileTemplate('/repos/{{segments vars.obj}}', 'path')(ctx)).toThrow('segments: expected text like "owner/repo"');
  });

  test('text and query sites render plain strings, no HTML escaping', () => {
    expect(compileTemplate('q={{vars.id}} & <{{vars.n}}>', 'query')(ctx)).toBe('q=a/b c & <5>');
  });

  test('a missing variable renders as empty', () => {
    expect(compileTemplate('[{{vars.missing}}][{{cursor.nothing.deeper}}]')(ctx)).toBe('[][]');
  });

  test('objects and arrays render as JSON, not [object Object]', () => {
    expect(compileTemplate('{{vars.obj}} {{vars.list}}')(ctx)).toBe('{"a":1} [1,2]');
  });

  test('header site rejects values with CR/LF', () => {
    const header = compileTemplate('Bearer {{vars.x}}', 'header');
    expect(header({ vars: { x: 'abc' } })).toBe('Bearer abc');
    expect(() => header({ vars: { x: 'abc\r\nX-Injected: 1' } })).toThrow(
      'header template "Bearer {{vars.x}}" rendered a value containing a line break (CR/LF); ' +
        'refusing to send it, as it would inject headers',
    );
    expect(() => header({ vars: { x: 'abc\nb' } })).toThrow(TemplateError);
  });

  test('syntax errors name the template', () => {
    expect(() => compileTemplate('{{#if vars.x}')).toThrow(/^invalid template "\{\{#if vars.x\}": Parse error on line 1: Expecting/);
  });

  test('helper errors name the template and the helper', () => {
    expect(() => compileTemplate('since={{iso vars.id}}')(ctx)).toThrow(
      'template "since={{iso vars.id}}": iso: cannot read "a/b c" as a time ' +
        '(expected an ISO-8601 string, a Date, or epoch seconds/milliseconds)',
    );
    expect(() => compileTemplate('{{default vars.id}}')(ctx)).toThrow('template "{{default vars.id}}": default takes 2 arguments, got 1');
  });

  test('the log helper and prototype properties are not reachable', () => {
    expect(() => compileTemplate('{{log vars.id}}')(ctx)).toThrow('template "{{log vars.id}}": Missing helper: "log"');
    expect(compileTemplate('{{vars.constructor}}{{vars.__proto__}}')(ctx)).toBe('');
  });
});

describe('helpers', () => {
  const render = (source: string, value: unknown) => compileTemplate(source)({ vars: { v: value } });

  test.each([
    ['ISO with zone', '2024-01-02T03:04:05+02:00', '2024-01-02T01:04:05.000Z'],
    ['ISO without zone is UTC', '2024-01-02T03:04:05', '2024-01-02T03:04:05.000Z'],
    ['date only', '2024-01-02', '2024-01-02T00:00:00.000Z'],
    ['SQL time', '2024-01-02 03:04:05', '2024-01-02T03:04:05.000Z'],
    ['fraction', '2024-01-02T03:04:05.123456Z', '2024-01-02T03:04:05.123Z'],
    ['epoch seconds', 1704164645, '2024-01-02T03:04:05.000Z'],
    ['epoch seconds with fraction', 1704164645.5, '2024-01-02T03:04:05.500Z'],
    ['epoch milliseconds', 1704164645123, '2024-01-02T03:04:05.123Z'],
    ['epoch seconds as text', '1704164645', '2024-01-02T03:04:05.000Z'],
    ['Date', new Date('2024-01-02T03:04:05Z'), '2024-01-02T03:04:05.000Z'],
  ])('iso reads %s', (_name, input, expected) => {
    expect(render('{{iso vars.v}}', input)).toBe(expected);
  });

  test('formats', () => {
    const v = '2024-01-02T03:04:05.678Z';
    expect(render('{{epochSeconds vars.v}}|{{epochMillis vars.v}}|{{date vars.v}}|{{sqlTime vars.v}}', v)).toBe(
      '1704164645|1704164645678|2024-01-02|2024-01-02 03:04:05',
    );
  });

  test('missing input renders empty; unparsable input fails', () => {
    expect(render('[{{iso vars.v}}]', undefined)).toBe('[]');
    expect(render('[{{epochSeconds vars.v}}]', null)).toBe('[]');
    expect(() => parseTime('2024-02-31', 'date')).toThrow('date: cannot read "2024-02-31" as a time');
    expect(() => parseTime('yesterday', 'iso')).toThrow('iso: cannot read "yesterday" as a time');
    expect(() => parseTime({}, 'iso')).toThrow('iso: cannot read a value of type object as a time');
  });

  test('json and default', () => {
    expect(render('{{json vars.v}}', { a: [1, 'x'] })).toBe('{"a":[1,"x"]}');
    expect(render('{{json vars.v}}', undefined)).toBe('null');
    expect(render('{{default vars.v "fallback"}}', '')).toBe('fallback');
    expect(render('{{default vars.v "fallback"}}', 0)).toBe('0');
  });

  test('the helper list', () => {
    expect(helperNames).toEqual(['iso', 'epochSeconds', 'epochMillis', 'date', 'sqlTime', 'formatTime', 'json', 'default', 'segments']);
  });
});

describe('compileValueTemplate', () => {
  test('a single expression keeps its type', () => {
    expect(compileValueTemplate('{{page.size}}')(ctx)).toBe(10);
    expect(compileValueTemplate('{{vars.list}}')(ctx)).toEqual([1, 2]);
    expect(compileValueTemplate('{{vars.obj}}')(ctx)).toEqual({ a: 1 });
    expect(compileValueTemplate('{{epochSeconds cursor.value}}')(ctx)).toBe(1704164645);
    expect(compileValueTemplate('{{vars.missing}}')(ctx)).toBeUndefined();
  });

  test('anything else is a string', () => {
    expect(compileValueTemplate(' {{page.size}}')(ctx)).toBe(' 10');
    expect(compileValueTemplate('{{page.size}}{{page.size}}')(ctx)).toBe('1010');
    expect(compileValueTemplate('plain')(ctx)).toBe('plain');
  });
});

describe('compileBody', () => {
  test('templates every string of a JSON body, keeping types, leaving missing values out', () => {
    const body = compileBody({
      query: 'query($after: String) { items(after: $after) { id } }',
      variables: { first: '{{page.size}}', since: '{{iso cursor.value}}', missing: '{{vars.none}}' },
      filterGroups: [{ filters: [{ value: '{{epochMillis cursor.value}}', op: 'GT' }] }],
      sorts: ['{{vars.id}}', 3, true, null],
      label: 'id {{cursor.id}}',
    });
    expect(body(ctx)).toEqual({
      query: 'query($after: String) { items(after: $after) { id } }',
      variables: { first: 10, since: '2024-01-02T03:04:05.000Z' },
      filterGroups: [{ filters: [{ value: 1704164645000, op: 'GT' }] }],
      sorts: ['a/b c', 3, true, null],
      label: 'id 42',
    });
  });
});
