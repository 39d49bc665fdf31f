/**
 * `/:/websockets/notifications` on the emulated server (API.md G): the owner's token (query
 * `X-Plex-Token` or header) opens a socket; anyone else gets 401 before the upgrade. Each
 * frame is `{"NotificationContainer": {type, size, …}}`. The emulator can cut every socket
 * without a close frame (a dropped connection) and refuse the next upgrades.
 */
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { PlexAccount } from './accounts.js';

export const NOTIFICATIONS_PATH = '/:/websockets/notifications';

export interface NotificationHubOptions {
  pathPrefix: string;
  accountFor(token: string | undefined): PlexAccount | undefined;
}

export class NotificationHub {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly clients = new Set<WebSocket>();
  /** Sockets opened since start (a reconnect adds one). */
  opened = 0;
  /** Play notifications (entries of `playing` frames) sent while a socket was open. */
  playNotifications = 0;
  /** Every frame sent, oldest first (to one socket or many: sent once per call). */
  readonly sent: Array<Record<string, unknown>> = [];
  private refuseLeft = 0;
  private refuseStatus = 503;

  constructor(private readonly o: NotificationHubOptions) {}

  get connected(): number {
    return this.clients.size;
  }

  /** The upgrade handler for the kit server: returns the HTTP status it answered (101 when taken). */
  upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): number {
    const url = new URL(req.url ?? '/', 'http://fake');
    const refuse = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
      return status;
    };
    if (url.pathname !== `${this.o.pathPrefix}${NOTIFICATIONS_PATH}`) return refuse(404, 'Not Found');
    const header = req.headers['x-plex-token'];
    const token = (Array.isArray(header) ? header[0] : header) || url.searchParams.get('X-Plex-Token') || undefined;
    const account = this.o.accountFor(token);
    if (!account) return refuse(401, 'Unauthorized');
    if (!account.owner) return refuse(403, 'Forbidden'); // notifications are the admin's
    if (this.refuseLeft > 0) {
      this.refuseLeft -= 1;
      return refuse(this.refuseStatus, 'Service Unavailable');
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.opened += 1;
      this.clients.add(ws);
      ws.on('close', () => this.clients.delete(ws));
      ws.on('error', () => this.clients.delete(ws));
    });
    return 101;
  }

  /** Sends `{NotificationContainer: {type, size, [listName]: entries}}` to every open socket. */
  send(type: string, listName: string, entries: Array<Record<string, unknown>>): void {
    const frame = { NotificationContainer: { type, size: entries.length, [listName]: entries } };
    this.sent.push(frame);
    const text = JSON.stringify(frame);
    if (type === 'playing' && this.clients.size > 0) this.playNotifications += entries.length;
    for (const ws of this.clients) if (ws.readyState === ws.OPEN) ws.send(text);
  }

  /** Cuts every socket without a close frame, as a network drop or a server restart does. */
  drop(): void {
    for (const ws of this.clients) ws.terminate();
    this.clients.clear();
  }

  /** Answers the next `times` upgrades with `status` (a server restarting). */
  refuseNext(times: number, status = 503): void {
    this.refuseLeft = times;
    this.refuseStatus = status;
  }

  close(): void {
    this.drop();
    this.wss.close();
  }
}
