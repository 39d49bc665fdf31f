/**
 * How a play got to Trakt, when the ledger knows: a webhook scrobble (matched on the
 * history id Trakt returned) or a write by us (matched on the item key and watched_at).
 * One indexed ledger query per page of plays.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { HistoryRow } from '../db/tables/history.js';
import type { LedgerSource } from '../db/tables/ledger.js';

export interface Provenance {
  source: LedgerSource;
  sourceId: number | null;
}

/** Every item key the ledger may have used for this play (src/ledger/item-key.ts forms). */
export function candidateKeys(r: HistoryRow): string[] {
  const keys: string[] = [];
  const add = (prefix: string, kind: string, v: string | number | null) => {
    if (v !== null && v !== '') keys.push(`${prefix}:${kind}:${v}`);
  };
  if (r.type === 'movie') {
    add('movie', 'imdb', r.movie_imdb);
    add('movie', 'tmdb', r.movie_tmdb);
    add('movie', 'trakt', r.movie_trakt);
    return keys;
  }
  add('episode', 'tvdb', r.episode_tvdb);
  add('episode', 'tmdb', r.episode_tmdb);
  add('episode', 'imdb', r.episode_imdb);
  add('episode', 'trakt', r.episode_trakt);
  if (r.season !== null && r.number !== null) {
    const sn = `s${r.season}e${r.number}`;
    for (const [kind, v] of [['imdb', r.show_imdb], ['tmdb', r.show_tmdb], ['tvdb', r.show_tvdb], ['trakt', r.show_trakt]] as const) {
      if (v !== null) keys.push(`episode:show:${kind}:${v}:${sn}`);
    }
  }
  return keys;
}

interface LedgerHit {
  item_key: string;
  watched_at: number | null;
  trakt_history_id: number | null;
  source: LedgerSource;
  source_id: number | null;
}

/** Trakt keeps whole seconds; our watched_at may carry milliseconds. */
const SAME_INSTANT_MS = 1000;

export function provenanceFor(sqlite: BetterSqlite3.Database, accountId: number, rows: HistoryRow[]): Map<number, Provenance> {
  const out = new Map<number, Provenance>();
  const keysOf = new Map<number, string[]>();
  const all = new Set<string>();
  for (const r of rows) {
    const k = candidateKeys(r);
    keysOf.set(r.history_id, k);
    for (const key of k) all.add(key);
  }
  if (!all.size) return out;
  const list = [...all];
  const hits: LedgerHit[] = [];
  // Chunks keep the statement under SQLite's variable limit.
  for (let i = 0; i < list.length; i += 400) {
    const chunk = list.slice(i, i + 400);
    hits.push(
      ...(sqlite
        .prepare(
          `SELECT item_key, watched_at, trakt_history_id, source, source_id FROM ledger
           WHERE target = 'trakt' AND account_id = ? AND item_key IN (${chunk.map(() => '?').join(',')})
             AND action IN ('scrobble.stop', 'history.add') AND status = 'sent'`,
        )
        .all(accountId, ...chunk) as LedgerHit[]),
    );
  }
  const byId = new Map<number, LedgerHit>();
  const byKey = new Map<string, LedgerHit[]>();
  for (const h of hits) {
    if (h.trakt_history_id !== null) byId.set(h.trakt_history_id, h);
    let l = byKey.get(h.item_key);
    if (!l) byKey.set(h.item_key, (l = []));
    l.push(h);
  }
  for (const r of rows) {
    let hit = byId.get(r.history_id);
    if (!hit) {
      for (const key of keysOf.get(r.history_id) ?? []) {
        hit = byKey.get(key)?.find((h) => h.watched_at !== null && Math.abs(h.watched_at - r.watched_at) < SAME_INSTANT_MS);
        if (hit) break;
      }
    }
    if (hit) out.set(r.history_id, { source: hit.source, sourceId: hit.source_id });
  }
  return out;
}
