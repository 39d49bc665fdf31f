/**
 * The live connection's manners: a wrong token is a sentence on the dashboard and a slow
 * retry (no tight loop); PLEX_LIVE=off opens nothing and says so; a server that refuses for a
 * while is retried with growing delays and listened to again once it takes the socket.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.js';
import { startService, type ServiceHandle } from '../../src/main.js';
import { startPlexFakes, type PlexFakes } from '../fakes/plex/index.js';
import { FormClient } from '../helpers/browser-client.js';
import { LogCapture } from '../helpers/context.js';
import { loopbackServiceEnv, plexPresetEnv, plexTvEnv } from '../helpers/emulator-env.js';
import { until } from './live-world.js';

const PASSWORD = 'live-connection-admin-password';
let plex: PlexFakes | undefined;
let service: ServiceHandle | undefined;

afterEach(async () => {
  await service?.close();
  await plex?.stop();
  service = plex = undefined;
});

const upgrades = () => plex!.pms.server.requests.filter((r) => r.path === '/:/websockets/notifications');

async function dashboard(): Promise<string> {
  const http = new FormClient({ request: (p, init) => fetch(p, init) }, service!.url);
  await http.get('/login');
  await http.post('/login', { password: PASSWORD });
  return (await http.get('/')).text();
}

describe('the live connection', () => {
  it('a wrong token: one sentence on the card and in the log, and a retry a minute (here: a second) apart, not a tight loop', async () => {
    plex = await startPlexFakes();
    const logs = new LogCapture();
    const env = { ...loopbackServiceEnv(PASSWORD), ...plexPresetEnv(plex), PLEX_TOKEN: 'not-the-server-token' };
    service = await startService(loadConfig(env), { logSink: logs, tune: { live: { connection: { initialBackoffMs: 20, maxBackoffMs: 1_000 } } } });
    await until(() => upgrades().length, (n) => n >= 1, 'the first attempt');
    const first = upgrades()[0]!;
    expect(first.status).toBe(401);
    expect(first.query).toBe(''); // the token travels in a header, never in the URL
    await new Promise((r) => setTimeout(r, 1_600));
    // Backing off from 20 ms would have made 6 or more attempts by now.
    expect(upgrades().length).toBeLessThanOrEqual(3);
    const api = (await (await fetch(`${service.url}/api/v1/status`, { headers: { 'X-Api-Key': service.deps.secrets.apiKey() } })).json()) as { live: Record<string, unknown> };
    expect(api.live).toMatchObject({ state: 'reconnecting', reason: 'Plex refused the token (401): sign in with Plex again in Settings, or correct PLEX_TOKEN' });
    expect(typeof api.live.attempt).toBe('number');
    const status = service.deps.plexLive!.status().connection;
    expect(status).toMatchObject({ state: 'reconnecting', reason: 'Plex refused the token (401): sign in with Plex again in Settings, or correct PLEX_TOKEN' });
    const page = await dashboard();
    expect(page).toMatch(/Live: reconnecting \(attempt \d, next in \d s\): Plex refused the token \(401\): sign in with Plex again in Settings, or correct PLEX_TOKEN/);
    expect(logs.lines.filter((l) => l.includes('Plex refused the token'))).toHaveLength(1);
    expect(logs.text()).not.toContain('not-the-server-token');
  });

  it('PLEX_LIVE=off opens no socket and the card says webhooks only', async () => {
    plex = await startPlexFakes();
    const env = { ...loopbackServiceEnv(PASSWORD), ...plexPresetEnv(plex), PLEX_LIVE: 'off' };
    service = await startService(loadConfig(env), { logSink: new LogCapture(), tune: { live: { connection: { initialBackoffMs: 20 } } } });
    const page = await dashboard();
    expect(page).toContain('Live: off (PLEX_LIVE=off): plays reach Trakt by webhooks only.');
    expect(service.deps.plexLive).toBeNull();
    expect(upgrades()).toEqual([]);
  });

  it('a server that refuses for a while is tried again with growing delays, then listened to', async () => {
    plex = await startPlexFakes();
    plex.pms.notifications.refuseNext(4, 503);
    const env = { ...loopbackServiceEnv(PASSWORD), ...plexPresetEnv(plex) };
    service = await startService(loadConfig(env), { logSink: new LogCapture(), tune: { live: { connection: { initialBackoffMs: 40, maxBackoffMs: 5_000 } } } });
    await until(() => service!.deps.plexLive?.status().connection.state, (s) => s === 'listening', 'listening after the refusals', 10_000);
    const at = upgrades().map((r) => r.at);
    expect(upgrades().map((r) => r.status)).toEqual([503, 503, 503, 503, 101]);
    const gaps = at.slice(1).map((t, i) => t - at[i]!);
    // 40, 80, 160, 320 ms steps, each jittered to 60-100 %: every gap longer than the one two before it.
    expect(gaps[2]!).toBeGreaterThan(gaps[0]!);
    expect(gaps[3]!).toBeGreaterThan(gaps[1]!);
    expect(await dashboard()).toMatch(/Live: listening since <time datetime="[^"]+"/);
  });

  it('a server connected in Settings is listened to at once, and no longer once disconnected (no waiting for the next check)', async () => {
    plex = await startPlexFakes();
    const env = { ...loopbackServiceEnv(PASSWORD), ...plexTvEnv(plex) };
    service = await startService(loadConfig(env), { logSink: new LogCapture(), tune: { live: { connection: { targetCheckMs: 60_000 } } } });
    await until(() => service!.deps.plexLive?.status().connection.state, (s) => s === 'idle', 'idle with no server');
    const http = new FormClient({ request: (p, init) => fetch(p, init) }, service.url);
    await http.get('/login');
    await http.post('/login', { password: PASSWORD });
    await http.get('/settings');
    const res = await http.post('/settings/plex/manual', { url: plex.pmsUrl, token: plex.pms.tokenFor() }, { headers: { 'hx-request': 'true' } });
    expect(await res.text()).toContain('Connected to');
    await until(() => plex!.pms.notifications.connected, (n) => n === 1, 'the socket to the new server', 5_000);
    await http.post('/settings/plex/disconnect', {}, { headers: { 'hx-request': 'true' } });
    await until(() => plex!.pms.notifications.connected, (n) => n === 0, 'the socket to close', 5_000);
    await until(() => service!.deps.plexLive?.status().connection.state, (s) => s === 'idle', 'idle again', 5_000);
  });
});
