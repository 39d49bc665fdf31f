/**
 * `npm run bench -- hardening`: what an attacker on the network gets from the real service
 * (a child `serve` on loopback): password guesses checked per second when sent in parallel,
 * the process's memory while an oversized form is posted without a session, and the log rows
 * written by requests with a malformed Origin. Sizes: BENCH_GUESSES (500), BENCH_BODY_MB (128),
 * BENCH_ORIGINS (1000).
 */
import BetterSqlite3 from 'better-sqlite3';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { startChildService } from '../helpers/child-service.js';
import { tempDir } from '../helpers/context.js';
import { LoopbackClient, rssMb } from '../helpers/loopback-client.js';

const PASSWORD = 'bench admin password';
const MB = 1024 * 1024;

/** Streams a chunked form of `total` bytes; resolves with the status and the peak RSS seen meanwhile. */
function oversized(url: string, total: number, pid: number): Promise<{ status: number; peakMb: number; sentMb: number }> {
  const u = new URL(`${url}/settings/sync`);
  return new Promise((resolve) => {
    let peak = 0;
    let sent = 0;
    let answered = false;
    const sampler = setInterval(() => void rssMb(pid).then((m) => (peak = Math.max(peak, m)), () => undefined), 20);
    const done = (status: number) => {
      clearInterval(sampler);
      void rssMb(pid).then((m) => resolve({ status, peakMb: Math.max(peak, m), sentMb: sent / MB }));
    };
    const req = http.request({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST', agent: false, headers: { 'content-type': 'application/x-www-form-urlencoded' } }, (res) => {
      answered = true;
      res.resume();
      res.on('end', () => {
        done(res.statusCode ?? 0);
        req.destroy();
      });
    });
    req.on('error', () => !answered && done(-1));
    const chunk = Buffer.alloc(MB, 'a');
    chunk.write('field=', 0);
    const pump = () => {
      while (!answered && sent < total) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!answered) req.end();
    };
    pump();
  });
}

export async function run(): Promise<void> {
  const guesses = Number(process.env.BENCH_GUESSES ?? 500);
  const bodyMb = Number(process.env.BENCH_BODY_MB ?? 128);
  const origins = Number(process.env.BENCH_ORIGINS ?? 1000);
  const dataDir = tempDir('pts-bench-hardening-');
  const svc = await startChildService({ DATA_DIR: dataDir, ADMIN_PASSWORD: PASSWORD, LOG_LEVEL: 'info' });
  try {
    // 1. Parallel guesses from one address, the right one near the end.
    const attacker = new LoopbackClient(svc.url, '127.0.0.1');
    await attacker.get('/login');
    const t0 = performance.now();
    const answers = await Promise.all(
      Array.from({ length: guesses }, (_, i) => attacker.post('/login', { password: i === guesses - 10 ? PASSWORD : `guess ${i}` }).catch(() => ({ status: -1 }))),
    );
    const s = (performance.now() - t0) / 1000;
    const checked = answers.filter((a) => a.status === 401 || a.status === 302).length;
    console.log(`guesses: ${guesses} parallel in ${s.toFixed(2)} s: ${checked} checked (${(checked / s).toFixed(1)}/s), ${answers.filter((a) => a.status === 429).length} refused, right password let in: ${answers.some((a) => a.status === 302)}`);

    // 2. An oversized form without a session.
    const before = await rssMb(svc.proc.pid!);
    const big = await oversized(svc.url, bodyMb * MB, svc.proc.pid!);
    await new Promise((r) => setTimeout(r, 500));
    const after = await rssMb(svc.proc.pid!);
    console.log(`oversized form (${bodyMb} MB chunked, no session): status ${big.status} after ${big.sentMb.toFixed(0)} MB sent; RSS ${before} MB before, ${big.peakMb} MB peak, ${after} MB after`);

    // 3. A malformed Origin, signed in.
    const user = new LoopbackClient(svc.url, '127.0.0.2');
    await user.get('/login');
    await user.post('/login', { password: PASSWORD });
    await user.get('/runs');
    const db = path.join(dataDir, 'plex-trakt-sync.db');
    const rows = () => {
      const h = new BetterSqlite3(db, { readonly: true });
      try {
        return (h.prepare('SELECT count(*) AS n FROM logs').get() as { n: number }).n;
      } finally {
        h.close();
      }
    };
    await new Promise((r) => setTimeout(r, 500));
    const rows0 = rows();
    const size0 = fs.statSync(db).size + (fs.existsSync(`${db}-wal`) ? fs.statSync(`${db}-wal`).size : 0);
    const statuses = new Map<number, number>();
    const t1 = performance.now();
    for (let i = 0; i < origins; i++) {
      const r = await user.post('/settings/sync', { scheduleMode: 'off' }, { headers: { origin: 'x' } });
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    }
    const s1 = (performance.now() - t1) / 1000;
    await new Promise((r) => setTimeout(r, 500));
    const size1 = fs.statSync(db).size + (fs.existsSync(`${db}-wal`) ? fs.statSync(`${db}-wal`).size : 0);
    console.log(`bad Origin: ${origins} posts in ${s1.toFixed(1)} s, answers ${JSON.stringify(Object.fromEntries(statuses))}; log rows +${rows() - rows0}; database +${((size1 - size0) / 1024).toFixed(0)} KB`);
  } finally {
    await svc.kill('SIGTERM');
  }
}
