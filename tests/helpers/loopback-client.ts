/**
 * A browser-like form client over node:http that can speak from any loopback address
 * (127.0.0.2, 127.0.0.3, ... all reach a server on 127.0.0.1 on Linux), so tests can be
 * "two people" or "many attackers" against the real service. Keeps cookies, reads the CSRF
 * token from pages, never follows redirects.
 */
import http from 'node:http';

export interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  setCookies: string[];
  text: string;
}

export function rawRequest(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string | Buffer; localAddress?: string } = {},
): Promise<RawAnswer> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname + u.search,
        method: opts.method ?? 'GET',
        localAddress: opts.localAddress,
        agent: false,
        headers: { connection: 'close', ...(opts.body !== undefined ? { 'content-length': String(Buffer.byteLength(opts.body)) } : {}), ...opts.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const sc = res.headers['set-cookie'] ?? [];
          resolve({ status: res.statusCode ?? 0, headers: res.headers, setCookies: sc, text: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', reject);
      },
    );
    req.setTimeout(60_000, () => req.destroy(new Error(`no answer from ${url} within 60 s`)));
    req.on('error', reject);
    req.end(opts.body);
  });
}

export class LoopbackClient {
  cookies = new Map<string, string>();
  csrf = '';
  constructor(readonly base: string, readonly localAddress = '127.0.0.1') {}

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  remember(res: RawAnswer): void {
    for (const line of res.setCookies) {
      const [pair] = line.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i);
      const value = pair!.slice(i + 1);
      if (/max-age=0/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async get(path: string, headers: Record<string, string> = {}): Promise<RawAnswer> {
    const res = await rawRequest(this.base + path, { headers: { cookie: this.cookieHeader(), ...headers }, localAddress: this.localAddress });
    this.remember(res);
    const m = res.text.match(/name="csrf-token" content="([^"]+)"/);
    if (m) this.csrf = m[1]!;
    return res;
  }

  /** A URL-encoded form post with this client's CSRF token (unless `csrf: null`). */
  async post(path: string, form: Record<string, string>, opts: { csrf?: string | null; headers?: Record<string, string> } = {}): Promise<RawAnswer> {
    const body = new URLSearchParams(form);
    const token = opts.csrf === undefined ? this.csrf : opts.csrf;
    if (token !== null) body.set('_csrf', token);
    const res = await rawRequest(this.base + path, {
      method: 'POST',
      headers: { cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded', ...opts.headers },
      body: body.toString(),
      localAddress: this.localAddress,
    });
    this.remember(res);
    return res;
  }
}

/** Resident memory of a process in MB (Linux /proc). */
export async function rssMb(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN);
  return Math.round(kb / 1024);
}
