/**
 * The Plex client never carries its token to another origin: the real service, preset with
 * PLEX_URL and PLEX_TOKEN, asks its server who it is at start-up (`GET /`); the server (a loopback
 * stand-in) redirects within itself, then to another origin (another port), naming the
 * token in the new address too. The other origin sees neither the header nor the query
 * token; the same origin keeps getting the header.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { startChildService, type ChildService } from '../helpers/child-service.js';
import { tempDir } from '../helpers/context.js';

const TOKEN = 'plex-token-that-must-stay-home';
interface Seen {
  url: string;
  token: string | undefined;
}
const servers: http.Server[] = [];
let svc: ChildService | undefined;
afterAll(async () => {
  await svc?.kill('SIGTERM');
  for (const s of servers) await new Promise((r) => s.close(r));
});

async function listen(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('Plex redirects', () => {
  it('drop the X-Plex-Token header and query on the way to another origin', async () => {
    const home: Seen[] = [];
    const elsewhere: Seen[] = [];
    const other = await listen((req, res) => {
      elsewhere.push({ url: req.url ?? '', token: req.headers['x-plex-token'] as string | undefined });
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ MediaContainer: { machineIdentifier: 'redirected-server', version: '1.40.0' } }));
    });
    const plex = await listen((req, res) => {
      home.push({ url: req.url ?? '', token: req.headers['x-plex-token'] as string | undefined });
      const url = req.url ?? '/';
      if (!url.startsWith('/moved')) {
        res.writeHead(302, { location: `/moved${url}` }).end();
      } else {
        const rest = url.slice('/moved'.length);
        res.writeHead(307, { location: `${other}${rest}${rest.includes('?') ? '&' : '?'}X-Plex-Token=${TOKEN}&keep=1` }).end();
      }
    });
    svc = await startChildService({ DATA_DIR: tempDir('pts-plex-redirect-'), ADMIN_PASSWORD: 'redirect-password', PLEX_URL: plex, PLEX_TOKEN: TOKEN });
    for (let i = 0; i < 200 && elsewhere.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(elsewhere.length).toBeGreaterThan(0);
    expect(home.find((s) => !s.url.startsWith('/moved'))?.token).toBe(TOKEN);
    expect(home.find((s) => s.url.startsWith('/moved'))?.token).toBe(TOKEN); // same origin: kept
    for (const s of elsewhere) {
      expect(s.token).toBeUndefined();
      expect(s.url).not.toContain(TOKEN);
      expect(s.url).toContain('keep=1');
    }
  }, 60_000);
});
