/**
 * The app's device-code poller against the Trakt emulator, state by state (RFC 8628 as
 * Trakt answers it): pending (400), slow down (429, polled too fast), approved (200, once),
 * already used (409), denied (418), expired (410), unknown code (404), and a wrong client
 * secret. Each state the app reads is the one the emulator meant.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEVICE_STATE_SENTENCES, pollDeviceLogin, startDeviceLogin } from '../../src/trakt/device-auth.js';
import type { OAuthApp } from '../../src/trakt/oauth.js';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, manualClock, startTraktFake, type TraktFake } from '../fakes/trakt/index.js';

const clock = manualClock(Date.now());
let fake: TraktFake;
let app: OAuthApp;
beforeAll(async () => {
  fake = await startTraktFake({ now: clock.now, deviceCodeIntervalSec: 5, deviceCodeExpiresInSec: 600 });
  app = { oauthUrl: fake.url, clientId: DEFAULT_CLIENT_ID, clientSecret: DEFAULT_CLIENT_SECRET, userAgent: 'plex-trakt-sync/test' };
});
afterAll(async () => fake?.stop());

describe('device-code polling, state by state', () => {
  it('pending, then slow down when polled inside the interval, then approved once, then already used', async () => {
    const code = await startDeviceLogin(app);
    expect(code.intervalSec).toBe(5);
    expect(code.verificationUrl).toContain(fake.url);
    expect((await pollDeviceLogin(app, code.deviceCode)).state).toBe('pending');
    clock.advance(1000);
    expect((await pollDeviceLogin(app, code.deviceCode)).state).toBe('slow_down');
    clock.advance(5000);
    expect(fake.approveDevice(code.userCode)).toBe(true);
    const ok = await pollDeviceLogin(app, code.deviceCode);
    expect(ok.state).toBe('approved');
    if (ok.state === 'approved') expect(ok.tokens.accessToken).toMatch(/\S{16,}/);
    clock.advance(5000);
    expect((await pollDeviceLogin(app, code.deviceCode)).state).toBe('used');
  });

  it('denied, expired and unknown codes each say so', async () => {
    const denied = await startDeviceLogin(app);
    expect(fake.denyDevice(denied.userCode)).toBe(true);
    expect((await pollDeviceLogin(app, denied.deviceCode)).state).toBe('denied');

    const late = await startDeviceLogin(app);
    clock.advance(601_000);
    expect((await pollDeviceLogin(app, late.deviceCode)).state).toBe('expired');

    expect((await pollDeviceLogin(app, 'no-such-device-code-0000')).state).toBe('invalid');
    for (const s of ['denied', 'expired', 'used', 'invalid'] as const) expect(DEVICE_STATE_SENTENCES[s]).toMatch(/\.$/);
  });

  it('a wrong client secret is told apart from a pending code', async () => {
    const code = await startDeviceLogin(app);
    clock.advance(5000);
    const r = await pollDeviceLogin({ ...app, clientSecret: 'not-the-secret-at-all-000' }, code.deviceCode);
    expect(r.state).toBe('bad_client');
  });
});
