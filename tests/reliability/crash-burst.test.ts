/**
 * SIGKILL during a webhook burst: the real service (`serve` in a child process, the real
 * Trakt client against the emulator) receives 200 webhooks, 25 at a time, and is killed
 * when about half have been answered. Restarted on the same data directory, it processes
 * every acknowledged webhook exactly once: each one is in the database with a final
 * status, no play is duplicated on Trakt, each acknowledged scrobble made its one play, and
 * the database passes `PRAGMA integrity_check`.
 */
import BetterSqlite3 from 'better-sqlite3';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.js';
import { startService } from '../../src/main.js';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, startTraktFake, type TraktFake } from '../fakes/trakt/index.js';
import { startChildService, type ChildService } from '../helpers/child-service.js';
import { LogCapture, tempDir } from '../helpers/context.js';
import { modernMovie, track } from '../fixtures/webhooks/payloads.js';
import { postMultipart, webhookUrl } from '../fixtures/webhooks/send.js';
import { seedCatalogue } from '../fixtures/webhooks/service.js';
import { connectTraktAccount } from '../helpers/trakt-connected.js';

const SECRET = 'crash-burst-webhook-secret';
const API_KEY = 'crash-burst-api-key-0123456789';
let fake: TraktFake;
let child: ChildService | undefined;

/** Ten movies the burst scrobbles (five from the shared catalogue, five more). */
const MOVIES = [
  { trakt: 1001, imdb: 'tt0133093', tmdb: 603 },
  { trakt: 1002, imdb: 'tt0072684', tmdb: 3175 },
  { trakt: 1003, imdb: 'tt0113277', tmdb: 949 },
  { trakt: 1004, imdb: 'tt0078748', tmdb: 348 },
  { trakt: 1005, imdb: 'tt2543164', tmdb: 329865 },
  ...[1, 2, 3, 4, 5].map((n) => ({ trakt: 1100 + n, imdb: `tt90000${n}0`, tmdb: 900000 + n })),
];

beforeAll(async () => {
  fake = await startTraktFake({ rateLimits: false });
  seedCatalogue(fake);
  for (const m of MOVIES.slice(5)) fake.catalogue.addMovie({ trakt: m.trakt, title: `Burst ${m.trakt}`, year: 2001, imdb: m.imdb, tmdb: m.tmdb });
});
afterAll(async () => {
  await child?.kill();
  await fake?.stop();
});

function burstEnv(dataDir: string, traktUrl: string): Record<string, string> {
  return {
    DATA_DIR: dataDir,
    WEBHOOK_SECRET: SECRET,
    API_KEY,
    ADMIN_PASSWORD: 'crash-burst-password',
    TRAKT_API_URL: traktUrl,
    TRAKT_OAUTH_URL: traktUrl,
    TRAKT_CLIENT_ID: DEFAULT_CLIENT_ID,
    TRAKT_CLIENT_SECRET: DEFAULT_CLIENT_SECRET,
  };
}

/** Connects the Trakt account in the data directory (as a login would) before the child starts. */
async function connectAccount(dataDir: string): Promise<void> {
  const s = await startService(loadConfig({ ...burstEnv(dataDir, fake.url), PORT: '0', HOST: '127.0.0.1' }), { logSink: new LogCapture() });
  await connectTraktAccount(s.deps, fake, 'alice');
  await s.close();
}

/** Webhook i of the burst: every 20th a scrobble of one of the ten movies, the rest events that are stored and decided without a Trakt write. */
function burstPayload(i: number): { payload: unknown; movie?: number } {
  if (i % 20 === 0) {
    const m = MOVIES[i / 20]!;
    return { payload: modernMovie({ event: 'media.scrobble', ratingKey: `m${m.trakt}`, imdb: m.imdb, tmdb: m.tmdb }), movie: m.trakt };
  }
  if (i % 3 === 0) return { payload: track({ event: 'media.play', ratingKey: `t${i}` }) };
  if (i % 3 === 1) return { payload: modernMovie({ event: 'media.scrobble', accountId: 40 + (i % 7), accountTitle: `guest-${i % 7}`, ratingKey: `g${i}` }) };
  return { payload: { event: 'library.new', user: true, owner: true, Account: { id: 1, title: 'owner-user' }, Server: { title: 'NAS', uuid: 'u' }, Metadata: { type: 'movie', title: `New ${i}`, ratingKey: `n${i}` } } };
}

interface Ack {
  i: number;
  status: number;
  id?: number;
  movie?: number;
}

describe('SIGKILL during a webhook burst', () => {
  it('every acknowledged webhook is processed exactly once after a restart; no duplicate play; integrity ok', async () => {
    const dataDir = tempDir('pts-crash-');
    await connectAccount(dataDir);
    child = await startChildService(burstEnv(dataDir, fake.url));
    const first = child;
    const hook = webhookUrl(first.url, SECRET);

    const acks: Ack[] = [];
    let killed: Promise<unknown> | undefined;
    let next = 0;
    const worker = async () => {
      for (;;) {
        const i = next++;
        if (i >= 200) return;
        const { payload, movie } = burstPayload(i);
        try {
          const res = await postMultipart(hook, payload);
          const body = (await res.json().catch(() => ({}))) as { id?: number };
          acks.push({ i, status: res.status, id: body.id, movie });
        } catch {
          acks.push({ i, status: -1, movie }); // no answer: not acknowledged
        }
        if (!killed && acks.filter((a) => a.status === 200).length >= 100) killed = first.kill('SIGKILL');
      }
    };
    await Promise.all(Array.from({ length: 25 }, worker));
    await killed;
    expect(acks).toHaveLength(200);
    const acked = acks.filter((a) => a.status === 200);
    expect(acked.length).toBeGreaterThanOrEqual(100);
    expect(acked.length).toBeLessThan(200); // the kill came in the middle of the burst
    expect(acks.every((a) => a.status === 200 || a.status === -1)).toBe(true); // no 5xx, no refusal
    expect(new Set(acked.map((a) => a.id)).size).toBe(acked.length);

    child = await startChildService(burstEnv(dataDir, fake.url));
    const events = async () => {
      const all: Array<{ id: number; status: string; reason: string | null }> = [];
      let url: string | null = '/api/v1/events?limit=500';
      for (let page = 0; url && page < 10; page++) {
        const r = (await (await fetch(`${child!.url}${url}`, { headers: { 'x-api-key': API_KEY } })).json()) as { events: typeof all; next: string | null };
        all.push(...r.events);
        url = r.next;
      }
      return all;
    };
    const end = Date.now() + 60_000;
    let list = await events();
    while (list.some((e) => e.status === 'pending') && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 200));
      list = await events();
    }
    expect(list.filter((e) => e.status === 'pending')).toEqual([]);
    const byId = new Map(list.map((e) => [e.id, e]));
    // Every acknowledged webhook is stored, with a final status; none was lost.
    const lost = acked.filter((a) => !byId.has(a.id!));
    expect(lost).toEqual([]);
    expect(list.length).toBeGreaterThanOrEqual(acked.length);
    expect(list.length).toBeLessThanOrEqual(200); // nothing stored twice
    // Each acknowledged scrobble of a movie: sent, one play. No movie has two plays.
    for (const a of acked.filter((x) => x.movie)) {
      expect(byId.get(a.id!)!.status, byId.get(a.id!)!.reason ?? '').toBe('sent');
    }
    const plays = new Map<number, number>();
    for (const p of fake.plays('alice')) plays.set(p.trakt, (plays.get(p.trakt) ?? 0) + 1);
    expect([...plays.values()].every((n) => n === 1)).toBe(true);
    for (const a of acked.filter((x) => x.movie)) expect(plays.get(a.movie!)).toBe(1);
    // The others were decided without a write (ignored: not a movie, an unmapped account, not a used event).
    for (const a of acked.filter((x) => !x.movie)) expect(byId.get(a.id!)!.status).toBe('ignored');
    console.info(`crash burst: 200 sent, ${acked.length} acknowledged, ${list.length} stored, ${acked.filter((a) => a.movie).length} acknowledged scrobbles, ${fake.plays('alice').length} plays, 0 duplicates`);
    // Processed once: one ledger write per scrobble event at most, and no event decided twice.
    await child.kill('SIGTERM');
    const db = new BetterSqlite3(path.join(dataDir, 'plex-trakt-sync.db'));
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const sentTwice = db
        .prepare("select source_id, count(*) n from ledger where source = 'webhook' and action = 'scrobble.stop' and status = 'sent' group by source_id having n > 1")
        .all();
      expect(sentTwice).toEqual([]);
    } finally {
      db.close();
    }
  }, 120_000);
});
