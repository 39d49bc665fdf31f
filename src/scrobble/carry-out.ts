/**
 * Carries one decision out on Trakt, through the ledger: every write is an `intent` row
 * before the request and `sent`/`failed` with Trakt's answer after it. A request that got
 * no answer is probed against Trakt's history (for plays) before it is ever sent again.
 */
import type { Db } from '../db/database.js';
import type { LedgerAction, LedgerRow } from '../db/tables/ledger.js';
import { idsHash, itemKey, type MediaRef } from '../ledger/item-key.js';
import { ledgerForSource, recordIntents, rememberNotFound, settle, type LedgerIntent, type Settlement } from '../ledger/repo.js';
import { settleTraktRows } from '../ledger/settle-intents.js';
import { classifyWrite, lostAnswerPhrase } from '../net/write-answer.js';
import type { TraktAnswer, TraktWriter } from './ports.js';
import type { Decision } from './rules.js';
import { bulkBody, inNotFound, scrobbleBody } from './trakt-bodies.js';

export type CarryResult =
  | { kind: 'sent'; reason: string; answer: unknown; play: boolean }
  | { kind: 'retry'; reason: string; answer?: unknown }
  | { kind: 'failed'; reason: string; answer?: unknown };

type Send = Extract<Decision, { kind: 'send' }>;

export interface CarryInput {
  db: Db;
  writer: TraktWriter;
  eventId: number;
  accountId: number;
  decision: Send;
  refs: MediaRef[];
  titles: string[];
  plexKey: string | null;
  now: number;
}

/**
 * What Trakt's answer means for this event (src/net/write-answer.ts): done; unknown (the write may
 * have landed: a play is read back from Trakt's history before it is ever sent again); refused,
 * split by what the event does next (try again later, or stop).
 */
function classify(answer: TraktAnswer, readable: (body: unknown) => boolean): 'ok' | 'conflict' | 'not_found' | 'unknown' | 'retry' | 'fatal' {
  const status = answer.status;
  if (status === 409) return 'conflict';
  const verdict = classifyWrite(answer, { readable });
  if (verdict === 'done') return 'ok';
  if (verdict === 'unknown') return 'unknown';
  if (status === 404) return 'not_found';
  if (status === 401 || status === 429) return 'retry';
  return 'fatal';
}

export function failureSentence(status: number, body: unknown): string {
  switch (status) {
    case 401:
      return 'Trakt refused the saved login (401). Reconnect Trakt in Settings; the event will be tried again.';
    case 404:
      return 'Trakt did not know this item (404). If its match in Plex is right, press Retry: Trakt adds new titles every day.';
    case 420:
      return 'Your Trakt account is over its limit (420): free accounts have caps. Remove items on Trakt or upgrade, then press Retry.';
    case 422:
      return `Trakt refused the request as invalid (422: ${JSON.stringify(body).slice(0, 120)}).`;
    case 423:
      return 'Trakt has locked this account (423). Contact Trakt support; nothing will be sent until then.';
    case 426:
      return 'Trakt requires VIP for this (426).';
    case 429:
      return 'Trakt is rate limiting this account (429); the event will be tried again.';
    default:
      return status >= 500 ? `Trakt answered ${status}; the event will be tried again.` : `Trakt answered ${status} (${JSON.stringify(body).slice(0, 120)}).`;
  }
}

/** A JSON object with `key` (Trakt's answers to a stop and a history add always have one). */
function isObject(body: unknown, key: string): boolean {
  return typeof body === 'object' && body !== null && !Array.isArray(body) && key in body;
}

function unreadable(body: unknown): string {
  const text = typeof body === 'string' ? body : JSON.stringify(body) ?? '';
  return `Trakt answered OK with something that is not its answer (${text.replace(/\s+/g, ' ').slice(0, 60)})`;
}

function intentFor(c: CarryInput, ref: MediaRef, i: number, key: string, request: unknown): LedgerIntent {
  const d = c.decision;
  return {
    target: 'trakt',
    accountId: c.accountId,
    action: d.action,
    mediaType: ref.type,
    itemKey: key,
    plexKey: c.plexKey,
    title: c.titles[i] ?? null,
    watchedAt: d.action === 'history.add' ? d.watchedAt : d.action === 'scrobble.stop' ? c.now : null,
    rating: d.action === 'rating.add' ? d.rating : null,
    progress: 'progress' in d ? d.progress : null,
    source: 'webhook',
    sourceId: c.eventId,
    request,
  };
}

/** Settles this event's rows left in `intent` by an earlier attempt (or a crash) by reading Trakt's history. */
export async function settleOwnIntents(db: Db, writer: TraktWriter, eventId: number): Promise<LedgerRow[]> {
  const rows = await ledgerForSource(db, 'webhook', eventId);
  const open = rows.filter((r) => r.status === 'intent');
  if (open.length === 0) return rows; // the usual case: nothing left unanswered
  await settleTraktRows(db, writer.probe, open, 'retry'); // throws → stays intent, event retries later
  return ledgerForSource(db, 'webhook', eventId);
}

function doneBefore(rows: LedgerRow[], action: LedgerAction, key: string): boolean {
  return rows.some((r) => r.action === action && r.item_key === key && r.status === 'sent');
}

async function post(writer: TraktWriter, path: string, body: unknown): Promise<TraktAnswer | Error> {
  try {
    return await writer.post(path, body);
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}

export async function carryOut(c: CarryInput, previous: LedgerRow[]): Promise<CarryResult> {
  const { decision: d } = c;
  const todo: Array<{ ref: MediaRef; i: number; key: string }> = [];
  // An earlier not_found is not consulted here: a 404 can be passing, and a later event of the
  // same viewing (or a Retry) must still reach Trakt. One request per event costs little.
  for (const [i, ref] of c.refs.entries()) {
    const key = itemKey(ref);
    if (!key) continue;
    if (doneBefore(previous, d.action, key)) continue;
    todo.push({ ref, i, key });
  }
  if (todo.length === 0) return { kind: 'sent', reason: `${d.note} (already done)`, answer: null, play: false };

  if (d.action.startsWith('scrobble.')) return carryOutScrobbles(c, todo);
  return carryOutBulk(c, todo);
}

/**
 * The answer was lost: a play (a stop, a history add) may be on Trakt, so its rows stay `intent`
 * and the next attempt reads Trakt's history before anything is sent again (settleOwnIntents).
 * Start, pause and ratings are safe to repeat: failed now, sent again on the next attempt.
 */
async function lostAnswer(c: CarryInput, rowIds: number[], answer: TraktAnswer | Error, shown: unknown): Promise<CarryResult> {
  const what = answer instanceof Error ? `Trakt did not answer (${answer.message})` : answer.status >= 200 && answer.status < 300 ? unreadable(answer.body) : `Trakt's answer was lost (${lostAnswerPhrase(answer)})`;
  const plays = c.decision.action === 'scrobble.stop' || c.decision.action === 'history.add';
  if (!plays) await settle(c.db, rowIds.map((id) => ({ id, status: 'failed' as const, outcome: 'answer lost', error: what })));
  const next = plays ? "Trakt's history is read before it is sent again" : 'it is sent again on the next try';
  return { kind: 'retry', reason: `${what}; ${next}.`, answer: shown };
}

async function carryOutScrobbles(c: CarryInput, todo: Array<{ ref: MediaRef; i: number; key: string }>): Promise<CarryResult> {
  const d = c.decision as Extract<Send, { progress: number }>;
  const path = `/${d.action.replace('.', '/')}`;
  const answers: unknown[] = [];
  let play = false;
  let note = d.note;
  for (const t of todo) {
    const body = scrobbleBody(t.ref, d.progress);
    const [rowId] = await recordIntents(c.db, [intentFor(c, t.ref, t.i, t.key, body)], null, c.now);
    const answer = await post(c.writer, path, body);
    const cls = answer instanceof Error ? 'unknown' : classify(answer, d.action === 'scrobble.stop' ? (x) => isObject(x, 'action') : () => true);
    if (!(answer instanceof Error)) answers.push({ status: answer.status, body: answer.body });
    if (answer instanceof Error || cls === 'unknown') return lostAnswer(c, [rowId!], answer, answers.length ? answers : undefined);
    const b = (answer.body ?? {}) as { action?: string; id?: number };
    if (cls === 'ok') {
      const outcome = typeof b.action === 'string' ? b.action : 'ok';
      await settle(c.db, [{ id: rowId!, status: 'sent', outcome, traktHistoryId: outcome === 'scrobble' && typeof b.id === 'number' ? b.id : null }]);
      if (outcome === 'scrobble') play = true;
    } else if (cls === 'conflict') {
      await settle(c.db, [{ id: rowId!, status: 'sent', outcome: 'conflict' }]);
    } else if (cls === 'not_found' && d.action === 'scrobble.stop') {
      // A 404 says nothing was written, and it can be passing (Trakt's catalogue grows): the play
      // goes to history instead, which either lands or says not_found for good.
      await settle(c.db, [{ id: rowId!, status: 'failed', outcome: 'not_found', error: 'Trakt answered 404 to the stop; the play was sent to history instead' }]);
      const fallback = await carryOutBulk({ ...c, decision: { kind: 'send', action: 'history.add', watchedAt: c.now, note: `${d.note}; the stop got a 404, so the play was added to history` } }, [t]);
      if (fallback.kind !== 'sent') return fallback;
      answers.push(fallback.answer);
      play = true;
      note = fallback.reason;
    } else {
      await settle(c.db, [{ id: rowId!, status: 'failed', outcome: cls === 'not_found' ? 'not_found' : `http ${answer.status}`, error: failureSentence(answer.status, answer.body) }]);
      if (cls === 'not_found') await rememberNotFound(c.db, c.accountId, t.key, idsHash(t.ref), c.titles[t.i] ?? null);
      const reason = failureSentence(answer.status, answer.body);
      return cls === 'retry' ? { kind: 'retry', reason, answer: answers } : { kind: 'failed', reason, answer: answers };
    }
  }
  const conflict = answers.some((a) => (a as TraktAnswer).status === 409);
  const reason = conflict ? `${note}; Trakt already had this play (409), counted as done` : note;
  return { kind: 'sent', reason, answer: answers.length === 1 ? answers[0] : answers, play };
}

async function carryOutBulk(c: CarryInput, todo: Array<{ ref: MediaRef; i: number; key: string }>): Promise<CarryResult> {
  const d = c.decision;
  const extra =
    d.action === 'history.add' ? { watched_at: new Date(d.watchedAt).toISOString() } : d.action === 'rating.add' ? { rating: d.rating, rated_at: new Date(c.now).toISOString() } : {};
  const path = d.action === 'history.add' ? '/sync/history' : d.action === 'rating.add' ? '/sync/ratings' : '/sync/ratings/remove';
  const body = bulkBody(todo.map((t) => t.ref), extra);
  const ids = await recordIntents(
    c.db,
    todo.map((t) => intentFor(c, t.ref, t.i, t.key, bulkBody([t.ref], extra))),
    todo.length > 1 ? crypto.randomUUID() : null,
    c.now,
  );
  const answer = await post(c.writer, path, body);
  const cls = answer instanceof Error ? 'unknown' : classify(answer, (x) => isObject(x, d.action === 'rating.remove' ? 'deleted' : 'added'));
  if (answer instanceof Error || cls === 'unknown') return lostAnswer(c, ids, answer, answer instanceof Error ? undefined : { status: answer.status, body: answer.body });
  const shown = { status: answer.status, body: answer.body };
  if (cls !== 'ok') {
    const reason = failureSentence(answer.status, answer.body);
    await settle(c.db, ids.map((id) => ({ id, status: 'failed' as const, outcome: `http ${answer.status}`, error: reason })));
    return cls === 'retry' ? { kind: 'retry', reason, answer: shown } : { kind: 'failed', reason, answer: shown };
  }
  const settlements: Settlement[] = [];
  const missing: string[] = [];
  for (const [n, t] of todo.entries()) {
    if (inNotFound(answer.body, t.ref)) {
      settlements.push({ id: ids[n]!, status: 'failed', outcome: 'not_found', error: 'Trakt does not know this item' });
      await rememberNotFound(c.db, c.accountId, t.key, idsHash(t.ref), c.titles[t.i] ?? null);
      missing.push(c.titles[t.i] ?? t.key);
    } else {
      settlements.push({ id: ids[n]!, status: 'sent', outcome: d.action === 'rating.remove' ? 'removed' : 'added' });
    }
  }
  await settle(c.db, settlements);
  if (missing.length === todo.length) {
    return { kind: 'failed', reason: `Trakt does not know ${missing.join(', ')} (not_found). Check the match in Plex, then press Retry.`, answer: shown };
  }
  const note = missing.length ? `${d.note}; Trakt did not know ${missing.join(', ')}` : d.note;
  return { kind: 'sent', reason: note, answer: shown, play: d.action === 'history.add' };
}
