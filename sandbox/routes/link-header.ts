/**
 * GitHub REST style: bare JSON arrays, `page`/`per_page`, and the next page announced only in the
 * `Link` header. Also home of the parent/child pair (repos → issues), because that pair is GitHub's.
 * Every route here carries `github: true`: x-ratelimit-* headers, and 403 (not 429) when over budget.
 */
import type { SourceRecord } from '../data.js';
import type { SandboxCtx, SandboxRoute } from '../env.js';
import { badRequest, HttpError, json, type Reply } from '../http.js';
import { DEFAULT_LIMIT, intParam, isoParam, MAX_LIMIT, sliceWindow } from '../paging.js';
import { contactsWindow, linkTo, visible } from './common.js';

/** One page of `rows` with GitHub's Link header (next/last, and prev/first after page 1). */
function githubPage(ctx: SandboxCtx, rows: readonly SourceRecord[]): Reply {
  const perPage = intParam(ctx.query, 'per_page', DEFAULT_LIMIT, 1, MAX_LIMIT);
  const page = intParam(ctx.query, 'page', 1, 1);
  const last = Math.max(1, Math.ceil(rows.length / perPage));
  const rel = (name: string, n: number) => `<${linkTo(ctx, { per_page: perPage, page: n })}>; rel="${name}"`;
  const links: string[] = [];
  if (page < last) links.push(rel('next', page + 1), rel('last', last));
  if (page > 1) links.push(rel('first', 1), rel('prev', Math.min(page - 1, last)));
  return json(rows.slice((page - 1) * perPage, page * perPage), links.length ? { link: links.join(', ') } : {});
}

/** GitHub's `since` is the contacts' `updated_since` under another name; both are accepted. */
function githubContacts(ctx: SandboxCtx): Reply {
  const since = isoParam(ctx.query, 'since') ?? isoParam(ctx.query, 'updated_since');
  return githubPage(ctx, contactsWindow(ctx, { since, before: isoParam(ctx.query, 'updated_before') }));
}

function repos(ctx: SandboxCtx): Reply {
  return githubPage(ctx, visible(ctx).byId('repos'));
}

/**
 * Issues of one repository (by id or name), oldest update first. Like GitHub, `state` defaults to
 * `open`: a sync that forgets `state=all` silently misses closed issues, which is worth being able to
 * reproduce.
 */
function issues(ctx: SandboxCtx): Reply {
  const view = visible(ctx);
  const key = ctx.params.repo;
  const repo = view.get('repos', key) ?? view.byId('repos').find((r) => r.name === key);
  if (!repo) throw new HttpError(404, 'not_found', `no repository ${key}`, {}, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
  const state = ctx.query.get('state') ?? 'open';
  if (!['open', 'closed', 'all'].includes(state)) throw badRequest('state must be open, closed or all');
  const ofRepo = view.memo('issues', `repo:${repo.id}`, () => view.byUpdated('issues').filter((i) => i.repo_id === repo.id));
  const since = isoParam(ctx.query, 'since') ?? isoParam(ctx.query, 'updated_since');
  const rows = sliceWindow(ofRepo, { since });
  return githubPage(ctx, state === 'all' ? rows : rows.filter((i) => i.state === state));
}

export const linkHeaderRoutes: SandboxRoute[] = [
  { method: 'GET', path: '/v1/gh/contacts', auth: 'bearer', github: true, handle: githubContacts },
  { method: 'GET', path: '/v1/repos', auth: 'bearer', github: true, handle: repos },
  { method: 'GET', path: '/v1/repos/:repo/issues', auth: 'bearer', github: true, handle: issues },
];
