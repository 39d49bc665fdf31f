/**
 * Plex "media queries" on listings (API.md B.4): the operator belongs to the key
 * (`lastViewedAt>>=1700000000` is key `lastViewedAt>>`, whether or not the key was
 * URL-encoded), so `>>` is "greater than", `<<` "less than", `>` ≥, `<` ≤, `!` "not", none
 * "equals one of" (comma-separated). Date fields take epoch seconds or relative values
 * (`-3d`, units m h d w mon y). `unwatched=0|1` and `inProgress=0|1` are booleans.
 * Sorting: `sort=field[:desc][,field…]`. Evaluated for the requesting account.
 */
import type { PlexItem } from './store.js';
import type { WatchStates } from './watch-state.js';

type Op = '=' | '!=' | '>' | '<' | '>=' | '<=';

interface Filter {
  field: string;
  /** Evaluate on the episode's show (`show.title=` on an episode listing). */
  onShow: boolean;
  op: Op;
  values: Array<number | string>;
}

interface SortKey {
  field: string;
  desc: boolean;
}

export interface MediaQuery {
  filters: Filter[];
  sort: SortKey[];
  limit?: number;
  /** Identifies the query for caching (relative dates make it uncacheable). */
  cacheKey: string | null;
}

const NUMERIC = new Set(['viewCount', 'lastViewedAt', 'addedAt', 'updatedAt', 'year', 'userRating', 'lastRatedAt', 'index', 'parentIndex', 'duration', 'viewOffset', 'leafCount', 'viewedLeafCount']);
const DATES = new Set(['lastViewedAt', 'addedAt', 'updatedAt', 'lastRatedAt']);
const BOOLEANS = new Set(['unwatched', 'inProgress']);
const STRINGS = new Set(['title', 'guid']);
const SORTABLE = new Set([...NUMERIC, 'title', 'titleSort', 'originallyAvailableAt', 'ratingKey']);
const OPS: Record<string, Op> = { '': '=', '!': '!=', '>>': '>', '<<': '<', '>': '>=', '<': '<=' };
const UNITS: Record<string, number> = { m: 60, h: 3600, d: 86_400, w: 604_800, mon: 2_592_000, y: 31_536_000 };
const TYPE_SCOPES: Record<number, string> = { 1: 'movie', 2: 'show', 3: 'season', 4: 'episode' };
/** Parameters that are not filters (paging, includes, tokens…). */
const NOT_FILTERS = /^(type|sort|limit|group|skipRefresh|cacheBuster|x-plex-.*|include.*|exclude.*|async.*|checkFiles)$/i;

export function parseMediaQuery(params: URLSearchParams, typeNumber: number, nowSec: number): MediaQuery | { error: string } {
  const filters: Filter[] = [];
  let sort: SortKey[] = [];
  let limit: number | undefined;
  let relative = false;
  for (const [rawKey, rawValue] of params) {
    if (rawKey === 'sort') {
      sort = [];
      for (const part of rawValue.split(',').filter(Boolean)) {
        const [name, dir = 'asc'] = part.split(':');
        const field = name!.replace(/^(movie|show|season|episode)\./, '');
        if (!SORTABLE.has(field) || !['asc', 'desc'].includes(dir)) return { error: `cannot sort by ${part}` };
        sort.push({ field, desc: dir === 'desc' });
      }
      continue;
    }
    if (rawKey === 'limit') {
      limit = Number(rawValue);
      if (!Number.isInteger(limit) || limit < 0) return { error: `bad limit ${rawValue}` };
      continue;
    }
    if (NOT_FILTERS.test(rawKey)) continue;
    const m = /^([A-Za-z][A-Za-z.]*?)(>>|<<|>|<|!)?$/.exec(rawKey);
    if (!m) return { error: `bad filter ${rawKey}` };
    let field = m[1]!;
    let onShow = false;
    const scope = /^(movie|show|season|episode)\.(.+)$/.exec(field);
    if (scope) {
      onShow = scope[1] === 'show' && typeNumber !== 2;
      if (!onShow && scope[1] !== TYPE_SCOPES[typeNumber]) return { error: `filter ${rawKey} does not apply to this type` };
      field = scope[2]!;
    }
    const op = OPS[m[2] ?? '']!;
    const known = NUMERIC.has(field) || BOOLEANS.has(field) || STRINGS.has(field);
    if (!known) {
      // A bare unknown parameter is ignored; an unknown field with an operator is a mistake.
      if (m[2]) return { error: `unknown filter field ${field}` };
      continue;
    }
    const values: Array<number | string> = [];
    for (const v of rawValue.split(',')) {
      if (STRINGS.has(field)) {
        values.push(v);
        continue;
      }
      const rel = DATES.has(field) ? /^-?(\d+)(mon|m|h|d|w|y)$/.exec(v) : null;
      if (rel) {
        relative = true;
        values.push(nowSec - Number(rel[1]) * UNITS[rel[2]!]!);
        continue;
      }
      const n = Number(v);
      if (v === '' || Number.isNaN(n)) return { error: `bad value ${v} for ${field}` };
      values.push(n);
    }
    filters.push({ field, onShow, op, values });
  }
  const cacheKey = relative ? null : JSON.stringify([filters, sort]);
  return { filters, sort, limit, cacheKey };
}

/** The value of a field of an item for an account (containers summarise their episodes). */
function valueOf(item: PlexItem, field: string, accountId: number, states: WatchStates): number | string | undefined {
  const container = item.type === 'show' || item.type === 'season';
  const state = container ? undefined : states.get(accountId, item.rk);
  switch (field) {
    case 'title':
      return item.title;
    case 'titleSort':
      return item.sortTitle;
    case 'guid':
      return item.guid;
    case 'ratingKey':
      return item.rk;
    case 'year':
      return item.year;
    case 'addedAt':
      return item.addedAt;
    case 'updatedAt':
      return item.updatedAt;
    case 'originallyAvailableAt':
      return item.originallyAvailableAt;
    case 'duration':
      return item.durationMs;
    case 'index':
      return item.index;
    case 'parentIndex':
      return item.parent?.index;
    case 'userRating':
      return (container ? states.get(accountId, item.rk) : state)?.userRating;
    case 'lastRatedAt':
      return (container ? states.get(accountId, item.rk) : state)?.lastRatedAt;
    case 'viewOffset':
      return state?.viewOffset;
    case 'inProgress':
      return state?.viewOffset ? 1 : 0;
    case 'viewCount':
      return container ? states.summary(accountId, item).viewedLeafCount : (state?.viewCount ?? 0);
    case 'lastViewedAt':
      return container ? states.summary(accountId, item).lastViewedAt : state?.lastViewedAt;
    case 'leafCount':
      return container ? states.summary(accountId, item).leafCount : undefined;
    case 'viewedLeafCount':
      return container ? states.summary(accountId, item).viewedLeafCount : undefined;
    case 'unwatched': {
      if (!container) return (state?.viewCount ?? 0) > 0 ? 0 : 1;
      const s = states.summary(accountId, item);
      return s.viewedLeafCount < s.leafCount ? 1 : 0;
    }
    default:
      return undefined;
  }
}

function matches(f: Filter, v: number | string | undefined): boolean {
  if (v === undefined) return f.op === '!=';
  if (typeof v === 'string' && f.field === 'title') {
    const hit = f.values.some((x) => v.toLowerCase().includes(String(x).toLowerCase()));
    return f.op === '!=' ? !hit : hit;
  }
  switch (f.op) {
    case '=':
      return f.values.some((x) => x === v);
    case '!=':
      return !f.values.some((x) => x === v);
    case '>':
      return v > f.values[0]!;
    case '<':
      return v < f.values[0]!;
    case '>=':
      return v >= f.values[0]!;
    case '<=':
      return v <= f.values[0]!;
  }
}

function compare(a: number | string | undefined, b: number | string | undefined): number {
  // Missing values first, as SQLite (PMS's database) orders NULLs.
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The items of `base` (in default order) that pass the filters, sorted and limited. */
export function applyMediaQuery(base: PlexItem[], q: MediaQuery, accountId: number, states: WatchStates): PlexItem[] {
  let out = base;
  if (q.filters.length) {
    out = base.filter((item) => q.filters.every((f) => matches(f, valueOf(f.onShow ? (item.show ?? item) : item, f.field, accountId, states))));
  }
  if (q.sort.length) {
    if (out === base) out = base.slice();
    const keys = q.sort;
    out.sort((a, b) => {
      for (const k of keys) {
        const field = k.field === 'title' ? 'titleSort' : k.field;
        const c = compare(valueOf(a, field, accountId, states), valueOf(b, field, accountId, states));
        if (c) return k.desc ? -c : c;
      }
      return 0;
    });
  }
  if (q.limit !== undefined && q.limit < out.length) out = out.slice(0, q.limit);
  return out;
}
