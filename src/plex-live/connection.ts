/**
 * One WebSocket to a Plex server's notifications, kept open for ever: backoff from one
 * second to a minute between attempts (straight to the minute when the token is refused,
 * so a wrong token is no tight loop), a ping to notice a half-open socket, and a status
 * that says where things stand in words.
 */
import WebSocket from 'ws';

export interface SocketTarget {
  /** The server's base URL (http or https; a path prefix is kept). */
  url: string;
  token: string;
  /** Shown in the status ("listening to <name>"). */
  name: string;
}

export type ConnectionStatus =
  | { state: 'idle'; reason: string }
  | { state: 'connecting'; attempt: number }
  | { state: 'listening'; since: number; server: string }
  | { state: 'reconnecting'; attempt: number; nextAt: number; reason: string }
  | { state: 'stopped' };

export interface ConnectionOptions {
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  pingEveryMs?: number;
  pongTimeoutMs?: number;
  handshakeTimeoutMs?: number;
  /** How often to look for a server when none is connected, and whether the connected one changed. */
  targetCheckMs?: number;
  now?: () => number;
  random?: () => number;
}

export interface ConnectionHooks {
  target(): Promise<SocketTarget | null>;
  onFrame(text: string): void;
  onStatus(status: ConnectionStatus): void;
  /** The socket is open again after having been open before (a gap to catch up). */
  onReconnected(): void;
  /** Why the last attempt failed, once per streak of the same reason (the caller logs it). */
  onProblem(reason: string, attempt: number, unauthorized: boolean): void;
}

/** `http://host:32400/prefix` → `ws://host:32400/prefix/:/websockets/notifications`. */
export function notificationsUrl(base: string): string {
  const u = new URL(base);
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  u.pathname = `${u.pathname.replace(/\/+$/, '')}/:/websockets/notifications`;
  u.search = '';
  return u.toString();
}

/** Delay before attempt `n` (1-based): 1 s, 2 s, 4 s … capped at a minute, jittered to [60 %, 100 %] of the step. */
export function reconnectDelay(attempt: number, initialMs: number, maxMs: number, random = Math.random): number {
  const step = Math.min(maxMs, initialMs * 2 ** Math.max(0, attempt - 1));
  return Math.max(initialMs, Math.round(step * (0.6 + 0.4 * random())));
}

interface Outcome {
  opened: boolean;
  reason: string;
  unauthorized: boolean;
  /** Closed on purpose (stop, or the server changed): reconnect at once, no backoff. */
  deliberate: boolean;
}

function sentenceFor(err: Error & { code?: string }, host: string): string {
  switch (err.code) {
    case 'ECONNREFUSED':
      return `the Plex server at ${host} refused the connection (is it running?)`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `the name ${host} could not be resolved`;
    case 'ETIMEDOUT':
      return `the Plex server at ${host} did not answer in time`;
    case 'ECONNRESET':
      return 'the connection was cut';
    default:
      return err.message || 'the connection failed';
  }
}

export class LiveConnection {
  private readonly o: Required<ConnectionOptions>;
  private stopped = false;
  private socket: WebSocket | undefined;
  private wakeSleep: (() => void) | undefined;
  /** While open: compare the connected server with the one this socket is for, now. */
  private recheck: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private lastProblem = '';
  status: ConnectionStatus = { state: 'idle', reason: 'not started' };

  constructor(private readonly hooks: ConnectionHooks, opts: ConnectionOptions = {}) {
    this.o = {
      initialBackoffMs: opts.initialBackoffMs ?? 1_000,
      maxBackoffMs: opts.maxBackoffMs ?? 60_000,
      pingEveryMs: opts.pingEveryMs ?? 15_000,
      pongTimeoutMs: opts.pongTimeoutMs ?? 10_000,
      handshakeTimeoutMs: opts.handshakeTimeoutMs ?? 10_000,
      targetCheckMs: opts.targetCheckMs ?? 15_000,
      now: opts.now ?? Date.now,
      random: opts.random ?? Math.random,
    };
  }

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.socket?.terminate();
    this.wakeSleep?.();
    await this.loop;
    this.setStatus({ state: 'stopped' });
  }

  /** Look for the server again now (after a change in Settings) instead of at the next check. */
  poke(): void {
    this.wakeSleep?.();
    this.recheck?.();
  }

  private setStatus(s: ConnectionStatus): void {
    this.status = s;
    this.hooks.onStatus(s);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.wakeSleep = done;
    }).finally(() => (this.wakeSleep = undefined));
  }

  private async run(): Promise<void> {
    let attempt = 0;
    let everOpen = false;
    while (!this.stopped) {
      let target: SocketTarget | null;
      try {
        target = await this.hooks.target();
      } catch (err) {
        target = null;
        this.setStatus({ state: 'idle', reason: `the Plex connection could not be read (${(err as Error).message})` });
      }
      if (this.stopped) break;
      if (!target) {
        if (this.status.state !== 'idle') this.setStatus({ state: 'idle', reason: 'no Plex server is connected' });
        await this.sleep(this.o.targetCheckMs);
        continue;
      }
      this.setStatus({ state: 'connecting', attempt: attempt + 1 });
      const outcome = await this.connectOnce(target, () => {
        attempt = 0;
        this.lastProblem = '';
        this.setStatus({ state: 'listening', since: this.o.now(), server: target.name });
        if (everOpen) this.hooks.onReconnected();
        everOpen = true;
      });
      if (this.stopped) break;
      if (outcome.deliberate) continue;
      attempt += 1;
      const delay = outcome.unauthorized ? this.o.maxBackoffMs : reconnectDelay(attempt, this.o.initialBackoffMs, this.o.maxBackoffMs, this.o.random);
      if (outcome.reason !== this.lastProblem) this.hooks.onProblem(outcome.reason, attempt, outcome.unauthorized);
      this.lastProblem = outcome.reason;
      this.setStatus({ state: 'reconnecting', attempt, nextAt: this.o.now() + delay, reason: outcome.reason });
      await this.sleep(delay);
    }
  }

  private connectOnce(target: SocketTarget, onOpen: () => void): Promise<Outcome> {
    const url = notificationsUrl(target.url);
    const host = new URL(url).host;
    return new Promise<Outcome>((resolve) => {
      const outcome: Outcome = { opened: false, reason: 'the connection closed', unauthorized: false, deliberate: false };
      let settled = false;
      let pingTimer: NodeJS.Timeout | undefined;
      let pongTimer: NodeJS.Timeout | undefined;
      let checkTimer: NodeJS.Timeout | undefined;
      // The token in a header, never in the URL (URLs end up in logs). Frames are small: a rogue peer cannot make us buffer much.
      const ws = new WebSocket(url, { headers: { 'X-Plex-Token': target.token, Accept: 'application/json' }, handshakeTimeout: this.o.handshakeTimeoutMs, maxPayload: 4 * 1024 * 1024 });
      this.socket = ws;
      const finish = () => {
        if (settled) return;
        settled = true;
        clearInterval(pingTimer);
        clearTimeout(pongTimer);
        clearInterval(checkTimer);
        this.recheck = undefined;
        ws.removeAllListeners();
        ws.on('error', () => undefined); // a late error after terminate must not throw
        if (ws.readyState !== WebSocket.CLOSED) ws.terminate();
        if (this.stopped) outcome.deliberate = true;
        resolve(outcome);
      };
      ws.on('unexpected-response', (_req, res) => {
        const status = res.statusCode ?? 0;
        res.resume();
        outcome.unauthorized = status === 401 || status === 403;
        outcome.reason = outcome.unauthorized
          ? `Plex refused the token (${status}): sign in with Plex again in Settings, or correct PLEX_TOKEN`
          : status === 404
            ? `the server at ${host} offers no notifications (404): check that the Plex URL is a Plex Media Server`
            : `the Plex server answered ${status} instead of opening the notifications`;
        finish();
      });
      ws.on('open', () => {
        outcome.opened = true;
        outcome.reason = 'the Plex server closed the connection';
        onOpen();
        // A socket can die without a close (a sleeping laptop, a NAT dropping it): ping, and give up without a pong.
        pingTimer = setInterval(() => {
          ws.ping();
          pongTimer ??= setTimeout(() => {
            outcome.reason = `no answer to a ping in ${Math.round(this.o.pongTimeoutMs / 1000)} s`;
            finish();
          }, this.o.pongTimeoutMs);
        }, this.o.pingEveryMs);
        const check = () => {
          void this.hooks
            .target()
            .then((t) => {
              if (settled || (t && t.url === target.url && t.token === target.token)) return;
              outcome.deliberate = true;
              outcome.reason = 'the connected Plex server changed';
              finish();
            })
            .catch(() => undefined);
        };
        this.recheck = check;
        checkTimer = setInterval(check, this.o.targetCheckMs);
      });
      ws.on('pong', () => {
        clearTimeout(pongTimer);
        pongTimer = undefined;
      });
      ws.on('message', (data, isBinary) => {
        if (!isBinary) this.hooks.onFrame(data.toString());
      });
      ws.on('close', (code) => {
        if (outcome.opened && code !== 1000) outcome.reason = code === 1006 ? 'the connection dropped' : `the Plex server closed the connection (code ${code})`;
        finish();
      });
      ws.on('error', (err) => {
        if (!outcome.opened && !outcome.unauthorized) outcome.reason = sentenceFor(err as Error & { code?: string }, host);
        finish();
      });
    });
  }
}
