/**
 * The shared shell of every emulator: a real HTTP server on 127.0.0.1 (free port) with a
 * log of every request it received, fault injection, and a small control route.
 *
 * An emulator supplies one `handle(req)` function that returns a `FakeResponse`; the kit
 * reads the body, records the request, applies faults, and writes the answer.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';

export interface FakeRequest {
  method: string;
  path: string; // without query string
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
  receivedAt: number; // Date.now()
}

export interface FakeResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown; // objects are sent as JSON; strings and Buffers as they are
}

export type Fault =
  | { kind: 'status'; status: number; headers?: Record<string, string>; body?: unknown }
  | { kind: 'drop' } // destroy the socket without an answer
  | { kind: 'timeout' } // never answer (until the server closes)
  | { kind: 'garbage'; body: string; contentType?: string } // 200 with a body that is not what the client expects
  /**
   * Carry the request out, then lose the answer: send `then` instead (a 502 from a gateway, an
   * unreadable 200), or cut the connection, or never answer. What Cloudflare in front of Trakt
   * does when the origin was slow (API.md G, "Lost answers").
   */
  | { kind: 'apply'; then: LostAnswer };

export type LostAnswer =
  | { status: number; headers?: Record<string, string>; body?: unknown }
  | 'drop'
  | 'timeout';

interface FaultRule {
  match: string | RegExp; // path prefix or regexp on the path
  fault: Fault;
  remaining: number;
  /** Only requests this says yes to (e.g. one user's token); others pass untouched. */
  when?: (req: { method: string; path: string; query?: string; headers: http.IncomingHttpHeaders }) => boolean;
}

export interface LoggedRequest {
  method: string;
  path: string;
  query: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  status: number;
  at: number;
}

export interface FakeServerOptions {
  name: string;
  handle: (req: FakeRequest) => FakeResponse | Promise<FakeResponse>;
  /** Control actions beyond the built-in ones, reached at POST /__control/<action>. */
  control?: Record<string, (body: any) => unknown>;
}

export class FakeServer {
  readonly name: string;
  readonly requests: LoggedRequest[] = [];
  latencyMs = 0;
  private faults: FaultRule[] = [];
  private server: http.Server;
  private hanging = new Set<http.ServerResponse>();
  private opts: FakeServerOptions;
  url = '';

  constructor(opts: FakeServerOptions) {
    this.name = opts.name;
    this.opts = opts;
    this.server = http.createServer((req, res) => void this.onRequest(req, res));
    this.server.keepAliveTimeout = 5_000;
  }

  async start(port = 0): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve());
    });
    const { port: p } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${p}`;
    return this.url;
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /**
   * Takes HTTP upgrades (WebSockets) on this server: `handle` answers or refuses the socket.
   * The request is logged like any other (status 101 once taken, or what `handle` returned).
   */
  onUpgrade(handle: (req: http.IncomingMessage, socket: Duplex, head: Buffer) => number): void {
    this.server.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const entry: LoggedRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.search, headers: req.headers, body: '', status: 0, at: Date.now() };
      this.requests.push(entry);
      entry.status = handle(req, socket, head);
    });
  }

  /** Answer the next `times` requests whose path starts with (or matches) `match` (and that `when` accepts) with `fault`. */
  inject(match: string | RegExp, fault: Fault, times = 1, when?: FaultRule['when']): void {
    this.faults.push({ match, fault, remaining: times, when });
  }

  clearFaults(): void {
    this.faults = [];
  }

  clearLog(): void {
    this.requests.length = 0;
  }

  /** Requests received whose path starts with `prefix` (and method, if given). */
  received(prefix: string, method?: string): LoggedRequest[] {
    return this.requests.filter((r) => r.path.startsWith(prefix) && (!method || r.method === method));
  }

  private takeFault(path: string, req?: { method: string; path: string; query?: string; headers: http.IncomingHttpHeaders }): Fault | undefined {
    const rule = this.faults.find(
      (f) => (typeof f.match === 'string' ? path.startsWith(f.match) : f.match.test(path)) && (!f.when || (req !== undefined && f.when(req))),
    );
    if (!rule) return undefined;
    rule.remaining -= 1;
    if (rule.remaining <= 0) this.faults.splice(this.faults.indexOf(rule), 1);
    return rule.fault;
  }

  private async onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://fake');
    const entry: LoggedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.search,
      headers: req.headers,
      body: body.toString('utf8'),
      status: 0,
      at: Date.now(),
    };

    if (url.pathname.startsWith('/__control/')) {
      this.answer(res, entry, await this.onControl(url.pathname.slice('/__control/'.length), body));
      return;
    }
    this.requests.push(entry);
    if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));

    const fault = this.takeFault(url.pathname, entry);
    if (fault?.kind === 'drop') {
      entry.status = -1;
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'timeout') {
      entry.status = -2;
      this.hanging.add(res);
      res.on('close', () => this.hanging.delete(res));
      return;
    }
    if (fault?.kind === 'status') {
      this.answer(res, entry, { status: fault.status, headers: fault.headers, body: fault.body ?? '' });
      return;
    }
    if (fault?.kind === 'garbage') {
      this.answer(res, entry, {
        status: 200,
        headers: { 'content-type': fault.contentType ?? 'application/json' },
        body: fault.body,
      });
      return;
    }

    let json: unknown;
    if (body.length > 0 && String(req.headers['content-type'] ?? '').includes('json')) {
      try {
        json = JSON.parse(body.toString('utf8'));
      } catch {
        json = undefined;
      }
    }
    let out: FakeResponse;
    try {
      out = await this.opts.handle({
        method: entry.method,
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body,
        json,
        receivedAt: entry.at,
      });
    } catch (err) {
      out = { status: 500, body: { error: 'emulator_error', message: String(err) } };
    }
    if (fault?.kind === 'apply') {
      this.loseAnswer(req, res, entry, fault.then);
      return;
    }
    this.answer(res, entry, out);
  }

  private loseAnswer(req: http.IncomingMessage, res: http.ServerResponse, entry: LoggedRequest, then: LostAnswer): void {
    if (then === 'drop') {
      entry.status = -1;
      req.socket.destroy();
    } else if (then === 'timeout') {
      entry.status = -2;
      this.hanging.add(res);
      res.on('close', () => this.hanging.delete(res));
    } else {
      this.answer(res, entry, { status: then.status, headers: then.headers, body: then.body ?? '' });
    }
  }

  private answer(res: http.ServerResponse, entry: LoggedRequest, out: FakeResponse): void {
    entry.status = out.status;
    const headers: Record<string, string> = { ...(out.headers ?? {}) };
    let payload: string | Buffer = '';
    if (Buffer.isBuffer(out.body) || typeof out.body === 'string') {
      payload = out.body;
    } else if (out.body !== undefined) {
      payload = JSON.stringify(out.body);
      if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
        headers['content-type'] = 'application/json; charset=utf-8';
      }
    }
    res.writeHead(out.status, headers);
    res.end(payload);
  }

  private async onControl(action: string, body: Buffer): Promise<FakeResponse> {
    let input: any = {};
    try {
      input = body.length ? JSON.parse(body.toString('utf8')) : {};
    } catch {
      return { status: 400, body: { error: 'control body must be JSON' } };
    }
    switch (action) {
      case 'latency':
        this.latencyMs = Number(input.ms ?? 0);
        return { status: 200, body: { latencyMs: this.latencyMs } };
      case 'fault':
        this.inject(String(input.path ?? '/'), input.fault as Fault, Number(input.times ?? 1));
        return { status: 200, body: { ok: true } };
      case 'clear-faults':
        this.clearFaults();
        return { status: 200, body: { ok: true } };
      case 'requests':
        return { status: 200, body: this.requests.map(({ headers: _h, ...r }) => r) };
      default: {
        const fn = this.opts.control?.[action];
        if (!fn) return { status: 404, body: { error: `unknown control action ${action}` } };
        try {
          return { status: 200, body: (await fn(input)) ?? { ok: true } };
        } catch (err) {
          // A throwing action must still answer, not leave the request hanging.
          return { status: 400, body: { error: err instanceof Error ? err.message : String(err) } };
        }
      }
    }
  }
}
