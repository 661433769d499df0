/**
 * Seeded data generator. Each record draws from its own PRNG stream keyed by (seed, resource, index),
 * so a dataset is a pure function of the seed and record #n does not change when counts change.
 * Seeded timestamps lie before DATA_EPOCH (a fixed date, not "now") so two runs with one seed are
 * byte-identical, and every live write made later is strictly newer than all seeded data.
 */
import { iso } from './clock.js';
import { intBetween, pick, pickSome, rngFor, round, type Rng } from './prng.js';

export const DATA_EPOCH_MS = Date.UTC(2024, 0, 1);
const DAY_MS = 86_400_000;

/** Id prefixes; zero-padded to 6 digits so ids sort lexicographically (up to 999,999 per resource). */
export const ID_PREFIX = { companies: 'com', contacts: 'cus', repos: 'rep', issues: 'iss' } as const;
export type ResourceName = keyof typeof ID_PREFIX;
export const RESOURCES = Object.keys(ID_PREFIX) as ResourceName[];
export const MAX_PER_RESOURCE = 999_999;

export const INDUSTRIES = ['Software', 'Manufacturing', 'Healthcare', 'Finance', 'Retail', 'Education'] as const;
export const STAGES = ['Lead', 'Qualified', 'Customer', 'Churned'] as const;
export const TAGS = ['vip', 'newsletter', 'partner', 'trial', 'enterprise', 'beta'] as const;
export const STATUSES = ['Not started', 'In progress', 'Done'] as const;
export const ISSUE_LABELS = ['bug', 'enhancement', 'docs', 'question', 'good first issue'] as const;

/** Every record the sandbox serves. Records are treated as immutable values: writes replace them. */
export type SourceRecord = { id: string; created_at: string; updated_at: string } & Record<string, unknown>;

export interface Counts {
  companies: number;
  contacts: number;
  repos: number;
  issuesPerRepo: number;
}
export const DEFAULT_COUNTS: Counts = { companies: 20, contacts: 250, repos: 5, issuesPerRepo: 30 };

export interface Dataset {
  records: Record<ResourceName, SourceRecord[]>;
  badContactIds: string[];
}

export function formatId(resource: ResourceName, n: number): string {
  return `${ID_PREFIX[resource]}_${String(n).padStart(6, '0')}`;
}

const ADJECTIVES = ['Acme', 'Blue', 'Bright', 'Cobalt', 'Delta', 'Evergreen', 'Granite', 'Harbor', 'Iron', 'Lumen', 'Nimbus', 'Orbit'];
const NOUNS = ['Robotics', 'Labs', 'Foods', 'Logistics', 'Health', 'Capital', 'Works', 'Systems', 'Studio', 'Energy', 'Bank', 'Academy'];
const FIRST = ['Ada', 'Alan', 'Grace', 'Linus', 'Margaret', 'Dennis', 'Barbara', 'Ken', 'Radia', 'Tim', 'Frances', 'Edsger', 'Hedy', 'John', 'Katherine', 'Donald'];
const LAST = ['Lovelace', 'Turing', 'Hopper', 'Torvalds', 'Hamilton', 'Ritchie', 'Liskov', 'Thompson', 'Perlman', 'Berners-Lee', 'Allen', 'Dijkstra', 'Lamarr', 'McCarthy', 'Johnson', 'Knuth'];
const OWNERS = ['alex@syncspec.test', 'sam@syncspec.test', 'jo@syncspec.test', 'kim@syncspec.test'];
const NOTE_LINES = ['Met at **SaaStr**', 'Asked for a _demo_', 'Prefers email over calls', 'Budget approved for Q3', 'See [the deck](https://example.com/deck)', 'Follow up in `2 weeks`'];
const REPO_WORDS = ['sync', 'engine', 'cli', 'docs', 'api', 'worker', 'schema', 'web'];
const ISSUE_VERBS = ['Fix', 'Add', 'Document', 'Refactor', 'Speed up', 'Remove'];
const ISSUE_OBJECTS = ['pagination', 'retry logic', 'the parser', 'rate limiting', 'OAuth refresh', 'delete handling'];

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-');
}

/** created_at within two years before the epoch, updated_at between it and the epoch. */
function stamps(rng: Rng): { created_at: string; updated_at: string } {
  const created = DATA_EPOCH_MS - intBetween(rng, DAY_MS, 730 * DAY_MS);
  const updated = created + Math.floor(rng() * (DATA_EPOCH_MS - created));
  return { created_at: iso(created), updated_at: iso(updated) };
}

function companyName(seed: number, n: number): string {
  const rng = rngFor(seed, 'company-name', n);
  return `${pick(rng, ADJECTIVES)} ${pick(rng, NOUNS)}`;
}

function company(seed: number, n: number): SourceRecord {
  const rng = rngFor(seed, 'companies', n);
  const name = companyName(seed, n);
  const domain = `${slug(name)}.example.com`;
  return {
    id: formatId('companies', n),
    name,
    domain,
    website: `https://${domain}`,
    industry: pick(rng, INDUSTRIES),
    employees: Math.round(Math.exp(rng() * Math.log(50_000))),
    founded: iso(Date.UTC(intBetween(rng, 1950, 2022), intBetween(rng, 0, 11), intBetween(rng, 1, 28))).slice(0, 10),
    ...stamps(rng),
  };
}

/**
 * Contacts come in import batches: positions 1–4 of every block of 25 (contacts 1–4, 26–29, …) share
 * one updated_at, so keyset pagination meets tied timestamps on ordinary seeded data.
 */
const BATCH = 25;
const TIED_PER_BATCH = 4;

/**
 * Deliberately bad contacts, the ones the engine must reject per record: every contact whose number
 * n satisfies n % 50 === 13 (cus_000013, cus_000063, …). The defect rotates with floor(n / 50) % 3:
 * 0 → email 'not-an-email', 1 → score is the string 'high', 2 → stage 'Prospect' (not in STAGES).
 */
export function badContactKind(n: number): 'email' | 'score' | 'stage' | undefined {
  if (n % 50 !== 13) return undefined;
  return (['email', 'score', 'stage'] as const)[Math.floor(n / 50) % 3];
}

function contact(seed: number, n: number, companyCount: number, clean: boolean): SourceRecord {
  const rng = rngFor(seed, 'contacts', n);
  const first = pick(rng, FIRST);
  const last = pick(rng, LAST);
  const companyN = intBetween(rng, 1, Math.max(1, companyCount));
  const domain = `${slug(companyName(seed, companyN))}.example.com`;
  const id = formatId('contacts', n);
  const record: SourceRecord = {
    id,
    name: `${first} ${last}`,
    email: `${slug(first)}.${slug(last)}${n}@${domain}`,
    phone: `+1${intBetween(rng, 200, 989)}${String(intBetween(rng, 0, 9_999_999)).padStart(7, '0')}`,
    company_id: formatId('companies', companyN),
    stage: pick(rng, STAGES),
    tags: pickSome(rng, TAGS, 3),
    score: round(rng(), 3),
    active: rng() < 0.8,
    avatar_url: `https://avatars.example.com/${id}.png`,
    birthday_ts: rng() < 0.15 ? null : Math.floor(Date.UTC(intBetween(rng, 1950, 2004), 0, 1) / 1000) + intBetween(rng, 0, 364) * 86_400,
    location: rng() < 0.2 ? null : { lat: round(rng() * 130 - 60, 4), lon: round(rng() * 360 - 180, 4) },
    owner_email: pick(rng, OWNERS),
    status: pick(rng, STATUSES),
    notes: `## ${first}\n\n- ${pick(rng, NOTE_LINES)}\n- ${pick(rng, NOTE_LINES)}\n`,
    ...stamps(rng),
  };
  const batch = Math.floor((n - 1) / BATCH);
  if ((n - 1) % BATCH < TIED_PER_BATCH) {
    const at = iso(DATA_EPOCH_MS - intBetween(rngFor(seed, 'contact-batch', batch), 1, 30 * DAY_MS));
    record.updated_at = at;
    if (record.created_at > at) record.created_at = at;
  }
  const kind = clean ? undefined : badContactKind(n);
  if (kind === 'email') record.email = 'not-an-email';
  if (kind === 'score') record.score = 'high';
  if (kind === 'stage') record.stage = 'Prospect';
  return record;
}

function repo(seed: number, n: number): SourceRecord {
  const rng = rngFor(seed, 'repos', n);
  const name = `${pick(rng, REPO_WORDS)}-${pick(rng, REPO_WORDS)}-${n}`;
  return {
    id: formatId('repos', n),
    name,
    full_name: `sandbox/${name}`,
    private: rng() < 0.3,
    description: `The ${name} repository`,
    ...stamps(rng),
  };
}

function issue(seed: number, n: number, repoN: number, number: number): SourceRecord {
  const rng = rngFor(seed, 'issues', n);
  return {
    id: formatId('issues', n),
    repo_id: formatId('repos', repoN),
    number,
    title: `${pick(rng, ISSUE_VERBS)} ${pick(rng, ISSUE_OBJECTS)}`,
    state: rng() < 0.6 ? 'open' : 'closed',
    labels: pickSome(rng, ISSUE_LABELS, 2),
    ...stamps(rng),
  };
}

export interface GenContext {
  seed: number;
  counts: Counts;
  clean: boolean;
}

/**
 * Record number n of a resource with the generator's defaults; the store uses it for seeding and to
 * fill in the fields a `create` call leaves out. Issues beyond the seeded range default to repo #1.
 */
export function makeRecord(resource: ResourceName, n: number, ctx: GenContext): SourceRecord {
  switch (resource) {
    case 'companies':
      return company(ctx.seed, n);
    case 'contacts':
      return contact(ctx.seed, n, ctx.counts.companies, ctx.clean);
    case 'repos':
      return repo(ctx.seed, n);
    case 'issues': {
      const per = Math.max(1, ctx.counts.issuesPerRepo);
      const repoN = Math.ceil(n / per);
      return repoN <= ctx.counts.repos ? issue(ctx.seed, n, repoN, n - (repoN - 1) * per) : issue(ctx.seed, n, 1, n);
    }
  }
}

export function generateDataset(ctx: GenContext): Dataset {
  const { counts } = ctx;
  const sizes: Record<ResourceName, number> = {
    companies: counts.companies,
    contacts: counts.contacts,
    repos: counts.repos,
    issues: counts.repos * counts.issuesPerRepo,
  };
  const records = {} as Record<ResourceName, SourceRecord[]>;
  for (const resource of RESOURCES) {
    if (sizes[resource] > MAX_PER_RESOURCE) throw new RangeError(`at most ${MAX_PER_RESOURCE} ${resource}`);
    records[resource] = Array.from({ length: sizes[resource] }, (_, i) => makeRecord(resource, i + 1, ctx));
  }
  const badContactIds = ctx.clean
    ? []
    : records.contacts.filter((_, i) => badContactKind(i + 1) !== undefined).map((c) => c.id);
  return { records, badContactIds };
}
