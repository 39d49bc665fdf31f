/**
 * One receiver that plays every notification target (reference: API.md G), on the kit's
 * loopback server: it records each request, and can be down, slow, hang, or answer 429.
 *
 *   json://host:port/json/...           → 200
 *   ntfy://host:port/ntfy/{topic}       → 200 with ntfy's message JSON
 *   discord (discordApiUrl = url + /api) POST /api/webhooks/{id}/{token} → 204 (JSON body checked)
 *   gotify://host:port/gotify/{token}   → POST /gotify/message?token= → 200, 401 for a token not accepted
 *   apprise://host:port/apprise/{key}   → POST /apprise/notify/{key} → 200
 *   SYNC_PING_URL = url + /ping/{uuid}  → GET /ping/{uuid}[/start|/fail] → 200 "OK" (healthchecks)
 */
import { FakeServer, type FakeRequest, type FakeResponse, type LoggedRequest } from '../kit/server.js';

export type ReceiverKind = 'json' | 'ntfy' | 'discord' | 'gotify' | 'apprise' | 'ping';

export interface ReceivedNotification {
  kind: ReceiverKind;
  path: string;
  query: URLSearchParams;
  headers: LoggedRequest['headers'];
  body: string;
  json: any;
  status: number;
  at: number;
}

export interface NotifyReceiverOptions {
  /** Gotify app tokens accepted (default: any). */
  gotifyTokens?: string[];
}

export class NotifyReceiver {
  readonly server: FakeServer;
  /** Every target answers 503 (a service that is down, behind a proxy). */
  down = false;
  /** Every request is held without an answer until `hang` is turned off or the receiver stops. */
  hang = false;
  private held: Array<() => void> = [];
  /** The next `rateLimited` requests answer 429 with Discord's retry_after (seconds) and Retry-After. */
  rateLimited = 0;
  retryAfterSec = 2;

  constructor(private readonly opts: NotifyReceiverOptions = {}) {
    this.server = new FakeServer({
      name: 'notify',
      handle: (req) => this.handle(req),
      control: {
        down: (b: { on?: boolean }) => void (this.down = b.on !== false),
        hang: (b: { on?: boolean }) => this.setHang(b.on !== false),
        'rate-limit': (b: { times?: number; retryAfterSec?: number }) => {
          this.rateLimited = Number(b.times ?? 1);
          this.retryAfterSec = Number(b.retryAfterSec ?? 2);
        },
        received: () => this.received().map(({ headers: _h, query, ...r }) => ({ ...r, query: query.toString() })),
      },
    });
  }

  get url(): string {
    return this.server.url;
  }

  start(port = 0): Promise<string> {
    return this.server.start(port);
  }

  async stop(): Promise<void> {
    this.setHang(false);
    await this.server.stop();
  }

  setHang(on: boolean): void {
    this.hang = on;
    if (!on) for (const release of this.held.splice(0)) release();
  }

  /** URLs that reach this receiver, one per kind (Discord needs `discordApiUrl`). */
  urls(secret = 'tok3nSecretValue42') {
    const hostPort = this.url.replace(/^http:\/\//, '');
    return {
      json: `json://${hostPort}/json/hook`,
      ntfy: `ntfy://${hostPort}/ntfy/${secret}`,
      discord: `discord://123456789/${secret}`,
      gotify: `gotify://${hostPort}/gotify/${secret}`,
      apprise: `apprise://${hostPort}/apprise/${secret}`,
    };
  }

  get discordApiUrl(): string {
    return `${this.url}/api`;
  }

  /** Requests received, as notifications (kind from the path), in order. */
  received(kind?: ReceiverKind): ReceivedNotification[] {
    return this.server.requests
      .map((r) => ({ r, kind: kindOf(r.path) }))
      .filter((x): x is { r: LoggedRequest; kind: ReceiverKind } => !!x.kind && (!kind || x.kind === kind))
      .map(({ r, kind: k }) => ({ kind: k, path: r.path, query: new URLSearchParams(r.query), headers: r.headers, body: r.body, json: parse(r.body), status: r.status, at: r.at }));
  }

  /** Those that were answered with success (what the person actually got). */
  delivered(kind?: ReceiverKind): ReceivedNotification[] {
    return this.received(kind).filter((r) => r.status >= 200 && r.status < 300);
  }

  /** What arrived, newest first, for a person (the demo links here). */
  private page(): string {
    const rows = this.received()
      .reverse()
      .map((r) => {
        const title = r.kind === 'ntfy' ? String(r.headers.title ?? '') : r.kind === 'ping' ? r.path : String(r.json?.title ?? r.json?.content ?? '');
        const text = r.kind === 'ntfy' ? r.body : String(r.json?.message ?? r.json?.body ?? r.json?.embeds?.[0]?.description ?? '');
        return `<tr><td>${new Date(r.at).toISOString()}</td><td>${r.kind}</td><td>${r.status}</td><td><b>${escape(title)}</b><br>${escape(text)}</td></tr>`;
      })
      .join('');
    return `<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="5"><title>Notification receiver</title>
<style>body{font:14px system-ui;margin:2em}td{border-top:1px solid #ddd;padding:4px 8px;vertical-align:top}</style>
<h1>Notifications received</h1><p>This emulator plays ntfy, Discord, Gotify, Apprise and JSON targets (refreshes every 5 s).</p>
<table><tr><th>when</th><th>target</th><th>answer</th><th>message</th></tr>${rows || '<tr><td colspan="4">Nothing yet: Settings → Notifications → Send a test.</td></tr>'}</table>`;
  }

  clear(): void {
    this.server.clearLog();
  }

  private async handle(req: FakeRequest): Promise<FakeResponse> {
    if (this.hang) await new Promise<void>((resolve) => this.held.push(resolve));
    if (this.down) return { status: 503, body: 'Service Unavailable' };
    if (kindOf(req.path) === 'ping') return { status: 200, body: 'OK' };
    if (req.method === 'GET' && req.path === '/') return { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: this.page() };
    if (req.method !== 'POST') return { status: 405, body: { error: 'POST only' } };
    if (this.rateLimited > 0) {
      this.rateLimited--;
      return { status: 429, headers: { 'Retry-After': String(this.retryAfterSec) }, body: { message: 'You are being rate limited.', retry_after: this.retryAfterSec, global: false } };
    }
    const kind = kindOf(req.path);
    switch (kind) {
      case 'json':
        return { status: 200, body: { ok: true } };
      case 'ntfy': {
        const topic = req.path.split('/')[2] ?? '';
        return { status: 200, body: { id: `m${req.receivedAt}`, time: Math.floor(req.receivedAt / 1000), event: 'message', topic, message: req.body.toString('utf8'), title: req.headers.title } };
      }
      case 'discord': {
        const body = req.json as { content?: string; embeds?: unknown[] } | undefined;
        if (!body || (!body.content && !body.embeds?.length)) return { status: 400, body: { message: 'Cannot send an empty message', code: 50006 } };
        return { status: 204 };
      }
      case 'gotify': {
        if (req.path !== '/gotify/message') return { status: 404, body: { error: 'Not Found', errorCode: 404 } };
        const token = req.query.get('token') ?? String(req.headers['x-gotify-key'] ?? '');
        if (this.opts.gotifyTokens && !this.opts.gotifyTokens.includes(token)) return { status: 401, body: { error: 'Unauthorized', errorCode: 401, errorDescription: 'you need to provide a valid access token or user credentials to access this api' } };
        const m = req.json as { title?: string; message?: string; priority?: number } | undefined;
        if (!m?.message) return { status: 400, body: { error: 'Bad Request', errorCode: 400, errorDescription: 'Field message is required' } };
        return { status: 200, body: { id: 1, appid: 1, message: m.message, title: m.title, priority: m.priority ?? 0, date: new Date(req.receivedAt).toISOString() } };
      }
      case 'apprise':
        if (!/^\/apprise\/notify\/[^/]+$/.test(req.path)) return { status: 404, body: 'not found' };
        return { status: 200, body: 'Notification(s) sent.' };
      default:
        return { status: 404, body: { error: 'no target at this path' } };
    }
  }
}

const escape = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

function kindOf(path: string): ReceiverKind | undefined {
  if (path.startsWith('/json')) return 'json';
  if (path.startsWith('/ntfy/')) return 'ntfy';
  if (path.startsWith('/api/webhooks/')) return 'discord';
  if (path.startsWith('/gotify/')) return 'gotify';
  if (path.startsWith('/apprise/')) return 'apprise';
  if (path.startsWith('/ping/')) return 'ping';
  return undefined;
}

function parse(body: string): any {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

export async function startNotifyReceiver(opts: NotifyReceiverOptions = {}, port = 0): Promise<NotifyReceiver> {
  const r = new NotifyReceiver(opts);
  await r.start(port);
  return r;
}
