/**
 * Guessing the admin password or the setup code against the real service on loopback:
 * a burst of parallel guesses gets no more checks than a patient guesser would (a few per
 * window, per address), the right password hidden in the burst does not get in, the
 * address is then locked out with a sentence, and other addresses are not. Behind a proxy
 * named in TRUST_PROXY each forwarded client has its own count; X-Forwarded-For from
 * anyone else changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChildService, type ChildService } from '../helpers/child-service.js';
import { tempDir } from '../helpers/context.js';
import { LoopbackClient } from '../helpers/loopback-client.js';
import { AttemptLimiter } from '../../src/security/attempt-limiter.js';
import { addressKey, normalizeAddress } from '../../src/web/middleware/request-info.js';

const PASSWORD = 'throttle-test-password';
const GUESSES = 200;
const RIGHT_AT = 150;
const services: ChildService[] = [];
afterAll(async () => {
  for (const s of services) await s.kill('SIGTERM');
});

async function start(env: Record<string, string>): Promise<ChildService> {
  const s = await startChildService({ DATA_DIR: tempDir('pts-throttle-'), ...env });
  services.push(s);
  return s;
}

// Three services, started together: one with a password (each test guesses from addresses of its
// own, and the limiter counts per address), one behind a trusted proxy, one not set up yet.
let withPassword: Promise<ChildService>;
let behindProxy: Promise<ChildService>;
let notSetUp: Promise<ChildService>;
beforeAll(() => {
  withPassword = start({ ADMIN_PASSWORD: PASSWORD });
  behindProxy = start({ ADMIN_PASSWORD: PASSWORD, TRUST_PROXY: '127.0.0.1' });
  notSetUp = start({});
  // A test awaits its own; a start that failed fails that test, not an unhandled rejection.
  for (const p of [withPassword, behindProxy, notSetUp]) p.catch(() => undefined);
});

describe('sign-in guesses', () => {
  it('a parallel burst gets a few checks per window, not one per request, and the right password in it does not get in', async () => {
    const svc = await withPassword;
    const attacker = new LoopbackClient(svc.url, '127.0.0.1');
    await attacker.get('/login');
    const t0 = Date.now();
    const answers = await Promise.all(
      Array.from({ length: GUESSES }, (_, i) => attacker.post('/login', { password: i === RIGHT_AT ? PASSWORD : `guess number ${i}` })),
    );
    const seconds = (Date.now() - t0) / 1000;
    const checked = answers.filter((a) => a.status === 401 || a.status === 302).length;
    console.info(`[throttle] ${GUESSES} parallel guesses in ${seconds.toFixed(2)} s: ${checked} checked (${(checked / seconds).toFixed(1)} checked/s), ${answers.filter((a) => a.status === 429).length} refused`);
    expect(answers.filter((a) => a.status === 302)).toHaveLength(0);
    expect(answers.filter((a) => a.setCookies.some((c) => c.startsWith('pts_session=')))).toHaveLength(0);
    expect(checked).toBeLessThanOrEqual(5);
    expect(answers.every((a) => [401, 429].includes(a.status))).toBe(true);
    // Guessing on one at a time reaches the same ceiling: five checks in the window in all.
    let more = 0;
    for (let i = 0; i < 10; i++) {
      const res = await attacker.post('/login', { password: `patient guess ${i}` });
      if (res.status !== 401) break;
      more++;
    }
    expect(checked + more).toBe(5);
    // Locked out now: even the right password is refused, with a sentence saying how long.
    const locked = await attacker.post('/login', { password: PASSWORD });
    expect(locked.status).toBe(429);
    expect(locked.text).toMatch(/Too many wrong passwords from your address\. Try again in \d+ minutes\./);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(60);

    // Someone else (another address) signs in as usual.
    const owner = new LoopbackClient(svc.url, '127.0.0.2');
    await owner.get('/login');
    expect((await owner.post('/login', { password: PASSWORD })).status).toBe(302);
  }, 60_000);

  it('X-Forwarded-For is ignored unless the peer is a proxy named in TRUST_PROXY', async () => {
    const direct = await withPassword; // from 127.0.0.3, an address the other test does not use
    const spoofer = new LoopbackClient(direct.url, '127.0.0.3');
    await spoofer.get('/login');
    let checked = 0;
    for (let i = 0; i < 12; i++) {
      const res = await spoofer.post('/login', { password: `spoofed ${i}` }, { headers: { 'x-forwarded-for': `198.51.100.${i}` } });
      if (res.status === 401) checked++;
    }
    expect(checked).toBe(5);

    // Behind a trusted proxy (127.0.0.1 here), each forwarded client counts on its own.
    const proxied = await behindProxy;
    const proxy = new LoopbackClient(proxied.url, '127.0.0.1');
    await proxy.get('/login');
    for (let i = 0; i < 8; i++) await proxy.post('/login', { password: `wrong ${i}` }, { headers: { 'x-forwarded-for': '198.51.100.7' } });
    const lockedOut = await proxy.post('/login', { password: PASSWORD }, { headers: { 'x-forwarded-for': '198.51.100.7' } });
    expect(lockedOut.status).toBe(429);
    // Another user behind the same proxy: not locked out by the first one's guesses.
    const neighbour = await proxy.post('/login', { password: PASSWORD }, { headers: { 'x-forwarded-for': '198.51.100.8' } });
    expect(neighbour.status).toBe(302);
  }, 60_000);
});

describe('setup-code guesses', () => {
  it('the same limiter: a parallel burst of wrong codes gets a few checks, then a lockout; another address can still set up', async () => {
    const svc = await notSetUp;
    const line = await svc.waitForLine(/one-time setup code is/);
    const code = /setup code is ([A-Z0-9]+)/.exec(line)![1]!;
    const attacker = new LoopbackClient(svc.url, '127.0.0.1');
    await attacker.get('/setup');
    const t0 = Date.now();
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) => attacker.post('/setup', { setupCode: `WRONG${String(i).padStart(3, '0')}`, password: 'attacker password', confirm: 'attacker password' })),
    );
    const checked = answers.filter((a) => a.status === 400).length;
    console.info(`[throttle] 100 parallel setup codes in ${((Date.now() - t0) / 1000).toFixed(2)} s: ${checked} checked`);
    expect(checked).toBeLessThanOrEqual(5);
    expect(answers.every((a) => [400, 429].includes(a.status))).toBe(true);
    let more = 0;
    for (let i = 0; i < 10; i++) {
      const res = await attacker.post('/setup', { setupCode: `LATER${i}`, password: 'attacker password', confirm: 'attacker password' });
      if (res.status !== 400) break;
      more++;
    }
    expect(checked + more).toBe(5);
    const locked = await attacker.post('/setup', { setupCode: code, password: 'attacker password', confirm: 'attacker password' });
    expect(locked.status).toBe(429);
    expect(locked.text).toContain('Too many wrong setup codes from your address');

    const owner = new LoopbackClient(svc.url, '127.0.0.2');
    await owner.get('/setup');
    expect((await owner.post('/setup', { setupCode: code, password: 'owner password', confirm: 'owner password' })).status).toBe(302);
  }, 60_000);
});

describe('the limiter keeps bounded memory without forgetting everyone', () => {
  it('a spray of new addresses past the bound evicts the stalest idle ones, not a locked-out address seen lately', () => {
    let now = 0;
    const limiter = new AttemptLimiter({ maxKeys: 100, now: () => now });
    for (let i = 0; i < 5; i++) {
      const a = limiter.begin('attacker');
      if (a.refused) throw new Error('refused early');
      a.done();
    }
    expect(limiter.begin('attacker').refused).toBe('locked');
    for (let i = 0; i < 99; i++) limiter.begin(`spray-${i}`);
    now += 1000;
    expect(limiter.begin('attacker').refused).toBe('locked'); // seen again: most recent
    for (let i = 99; i < 180; i++) limiter.begin(`spray-${i}`);
    expect(limiter.size).toBeLessThanOrEqual(100);
    expect(limiter.begin('attacker').refused).toBe('locked');
  });
});

describe('addresses', () => {
  it('count IPv4 (mapped or not) by address and IPv6 by its /64, whatever the spelling', () => {
    expect(addressKey('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe(addressKey('2001:0db8:0001:0002:ffff:1:2:3'));
    expect(addressKey('2001:db8:1:2::1')).not.toBe(addressKey('2001:db8:1:3::1'));
    expect(normalizeAddress('[::1]')).toBe(normalizeAddress('0:0:0:0:0:0:0:1'));
  });
});
