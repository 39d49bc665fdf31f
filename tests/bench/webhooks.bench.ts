/**
 * Webhook benchmarks. The service (with its worker) runs in a child process, as in
 * production; the Trakt emulator (answering at once) and the sender run here.
 * - the floor: the same sender against a bare node:http server (what the machine itself costs);
 * - acknowledgement latency at a steady 100 requests/s for 30 s, three runs (p50/p99/p99.9/max),
 *   and the service's CPU time per webhook (received, stored, processed and sent to Trakt);
 * - the highest rate (bounded steps) whose p99 stays under 20 ms;
 * - time from acknowledgement to the Trakt call, emulator answering at once (median/p99);
 * - the same through the production wiring (`serve` with a connected account: the real Trakt
 *   client, its token and its write budget of about one write a second), events 1.2 s apart.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import { multipartBody } from '../fixtures/webhooks/send.js';
import { modernMovie } from '../fixtures/webhooks/payloads.js';
import { seedCatalogue } from '../fixtures/webhooks/service.js';
import { startWebhookChild } from '../fixtures/webhooks/child.js';
import { webhookUrl } from '../fixtures/webhooks/send.js';
import { startTraktFake, type TraktFake } from '../fakes/trakt/index.js';
import { tempDir } from '../helpers/context.js';
import { startChildService } from '../helpers/child-service.js';
import { preconnectTrakt } from '../helpers/trakt-connected.js';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET } from '../fakes/trakt/index.js';

interface Target {
  url: string;
  fake: TraktFake;
}
const SECRET = 'bench-webhook-secret-0123';

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

function post(url: URL, body: Buffer, contentType: string): Promise<{ status: number; ms: number; at: number }> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const req = http.request(
      { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', agent, headers: { 'content-type': contentType, 'content-length': body.length } },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0, at: Date.now() }));
      },
    );
    req.on('error', () => resolve({ status: -1, ms: performance.now() - t0, at: Date.now() }));
    req.end(body);
  });
}

const pct = (xs: number[], p: number) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

let key = 100_000;
function nextBody(event = 'media.play') {
  return multipartBody([{ name: 'payload', value: JSON.stringify(modernMovie({ event, ratingKey: String(++key), viewOffset: 60_000 })) }]);
}

/** Open loop: one request every 1000/rate ms regardless of answers, for `seconds`. */
async function steady(target: string, rate: number, seconds: number) {
  const url = new URL(target);
  const total = rate * seconds;
  const interval = 1000 / rate;
  const start = performance.now();
  const pending: Array<Promise<{ status: number; ms: number }>> = [];
  for (let i = 0; i < total; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const m = nextBody();
    pending.push(post(url, m.body, m.contentType));
  }
  const results = await Promise.all(pending);
  const ok = results.filter((r) => r.status === 200).map((r) => r.ms);
  return { sent: total, ok: ok.length, p50: pct(ok, 50), p99: pct(ok, 99), p999: pct(ok, 99.9), max: Math.max(...ok), achieved: total / ((performance.now() - start) / 1000) };
}

async function timeToTrakt(h: Target, n: number, gapMs = 20) {
  const url = new URL(h.url);
  const delays: number[] = [];
  for (let i = 0; i < n; i++) {
    const before = h.fake.server.received('/scrobble/start').length;
    const m = nextBody();
    const ack = await post(url, m.body, m.contentType);
    const until = Date.now() + 5000;
    while (h.fake.server.received('/scrobble/start').length === before && Date.now() < until) await new Promise((r) => setImmediate(r));
    const call = h.fake.server.received('/scrobble/start').at(before);
    if (call) delays.push(call.at - ack.at);
    await new Promise((r) => setTimeout(r, gapMs));
  }
  return { n: delays.length, median: pct(delays, 50), p99: pct(delays, 99) };
}

/** Ack → Trakt through `serve` itself: no test ports, the stored account and the real client. */
async function productionTimeToTrakt(): Promise<void> {
  const fake = await startTraktFake();
  seedCatalogue(fake);
  const env = {
    DATA_DIR: tempDir('pts-bench-prod-'),
    WEBHOOK_SECRET: SECRET,
    TRAKT_API_URL: fake.url,
    TRAKT_OAUTH_URL: fake.url,
    TRAKT_CLIENT_ID: DEFAULT_CLIENT_ID,
    TRAKT_CLIENT_SECRET: DEFAULT_CLIENT_SECRET,
  };
  await preconnectTrakt(env, fake, 'alice');
  const child = await startChildService(env);
  try {
    const h: Target = { url: webhookUrl(child.url, SECRET), fake };
    await timeToTrakt(h, 2, 1200); // warm up
    const t = await timeToTrakt(h, 25, 1200);
    console.log(`ack → Trakt call through the production wiring (real client, Trakt's real limits, ${t.n} events 1.2 s apart): median ${t.median.toFixed(1)} ms, p99 ${t.p99.toFixed(1)} ms`);
  } finally {
    await child.kill('SIGTERM');
    await fake.stop();
  }
}

/** The same sender against a bare node:http server in a child process: what this machine's loopback costs. */
async function loopbackFloor(): Promise<void> {
  const script = `const s=require('node:http').createServer((q,r)=>{q.resume();q.on('end',()=>{r.writeHead(200,{'content-type':'application/json'});r.end('{"ok":true}')})});s.listen(0,'127.0.0.1',()=>console.log(s.address().port))`;
  const proc = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<number>((resolve) => proc.stdout!.once('data', (d: Buffer) => resolve(Number(String(d).trim()))));
    const s = await steady(`http://127.0.0.1:${port}/`, 100, 30);
    console.log(`floor: a bare node:http server answering at once, 100 req/s for 30 s: p50 ${s.p50.toFixed(2)} ms, p99 ${s.p99.toFixed(2)} ms, max ${s.max.toFixed(1)} ms`);
  } finally {
    proc.kill();
  }
}

export async function run(): Promise<void> {
  await loopbackFloor();
  const fake = await startTraktFake({ rateLimits: false });
  seedCatalogue(fake);
  const child = await startWebhookChild({ DATA_DIR: tempDir('pts-bench-'), WEBHOOK_SECRET: SECRET, LOG_LEVEL: 'info', PTS_TRAKT_URL: fake.url, PTS_TRAKT_TOKEN: fake.issueToken('alice').access_token });
  const h: Target = { url: webhookUrl(child.url, SECRET), fake };
  try {
    await steady(h.url, 50, 2); // warm up

    const t = await timeToTrakt(h, 200);
    console.log(`ack → Trakt call (emulator answers at once, ${t.n} events one at a time): median ${t.median.toFixed(1)} ms, p99 ${t.p99.toFixed(1)} ms (target: median < 50 ms)`);

    // Three runs: this machine's noise moves a p99 by a few ms from one run to the next.
    for (let run = 1; run <= 3; run++) {
      const cpu0 = child.cpuMs();
      const s = await steady(h.url, 100, 30);
      const cpu = (child.cpuMs() - cpu0) / s.sent;
      console.log(
        `steady 100 req/s for 30 s (run ${run}/3): ${s.ok}/${s.sent} acknowledged, p50 ${s.p50.toFixed(2)} ms, p99 ${s.p99.toFixed(2)} ms, ` +
          `p99.9 ${s.p999.toFixed(2)} ms, max ${s.max.toFixed(1)} ms (target: p99 < 10 ms); service CPU ${cpu.toFixed(2)} ms per webhook, received and sent to Trakt`,
      );
    }

    let best = 0;
    for (const rate of [200, 400, 800, 1200, 1600, 2400]) {
      const r = await steady(h.url, rate, 5);
      const pass = r.ok === r.sent && r.p99 < 20;
      console.log(`step ${rate} req/s for 5 s: achieved ${r.achieved.toFixed(0)}/s, ${r.ok}/${r.sent} ok, p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms ${pass ? 'ok' : 'over'}`);
      if (!pass) break;
      best = rate;
      await new Promise((r2) => setTimeout(r2, 1000)); // let the worker drain between steps
    }
    console.log(`highest rate sustained with p99 < 20 ms: ${best ? `${best} req/s` : 'below 200 req/s'}`);
  } finally {
    await child.kill('SIGTERM');
    await fake.stop();
  }
  try {
    await productionTimeToTrakt();
  } finally {
    agent.destroy();
  }
}
