/** Request and response helpers both Plex emulators share (headers-or-query, JSON-or-XML). */
import type { FakeRequest, FakeResponse } from '../kit/server.js';
import { toXml } from './xml.js';

/** A Plex parameter sent as a header or as a query parameter (`X-Plex-Token`, paging…). */
export function plexParam(req: FakeRequest, name: string): string | undefined {
  const header = req.headers[name.toLowerCase()];
  const fromHeader = Array.isArray(header) ? header[0] : header;
  if (fromHeader !== undefined && fromHeader !== '') return fromHeader;
  const q = req.query.get(name);
  return q === null || q === '' ? undefined : q;
}

/** Plex answers JSON only when asked with `Accept: application/json`; XML otherwise. */
export function wantsJson(req: FakeRequest): boolean {
  return String(req.headers.accept ?? '').toLowerCase().includes('application/json');
}

/** A PMS `MediaContainer` in the representation the client asked for. */
export function pmsReply(req: FakeRequest, status: number, container: Record<string, unknown>, headers: Record<string, string> = {}): FakeResponse {
  if (wantsJson(req)) return { status, headers: { 'content-type': 'application/json', ...headers }, body: { MediaContainer: container } };
  return { status, headers: { 'content-type': 'text/xml;charset=utf-8', ...headers }, body: toXml('MediaContainer', container, 'pms') };
}

/**
 * A JSON MediaContainer whose `Metadata` entries are made and serialised one at a time: a
 * page of 10,000 items then leaves short-lived garbage instead of one large object graph
 * that the garbage collector has to promote and trace.
 */
export function pmsJsonStream<T>(status: number, container: Record<string, unknown>, entries: T[], render: (entry: T) => unknown, headers: Record<string, string> = {}): FakeResponse {
  const head = JSON.stringify(container);
  const parts: string[] = [];
  for (const e of entries) parts.push(JSON.stringify(render(e)));
  const metadata = parts.length ? `,"Metadata":[${parts.join(',')}]` : '';
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: `{"MediaContainer":${head.slice(0, -1)}${metadata}}}` };
}

/** A plex.tv answer: `json` as is, or XML under `xmlRoot` built from `xmlBody` (defaults to `json`). */
export function plexTvReply(req: FakeRequest, status: number, json: unknown, xmlRoot: string, xmlBody?: Record<string, unknown>): FakeResponse {
  if (wantsJson(req)) return { status, headers: { 'content-type': 'application/json; charset=utf-8' }, body: json as object };
  const body = xmlBody ?? (json as Record<string, unknown>);
  return { status, headers: { 'content-type': 'application/xml; charset=utf-8' }, body: toXml(xmlRoot, body, 'plextv') };
}

/** PMS's answer to a missing or wrong token: an HTML 401, as the real server sends. */
export function pmsUnauthorized(): FakeResponse {
  return { status: 401, headers: { 'content-type': 'text/html' }, body: '<html><head><title>Unauthorized</title></head><body><h1>401 Unauthorized</h1></body></html>' };
}

export function pmsNotFound(): FakeResponse {
  return { status: 404, headers: { 'content-type': 'text/html' }, body: '<html><head><title>Not Found</title></head><body><h1>404 Not Found</h1></body></html>' };
}

export function pmsBadRequest(why: string): FakeResponse {
  return { status: 400, headers: { 'content-type': 'text/html' }, body: `<html><head><title>Bad Request</title></head><body><h1>400 Bad Request</h1><p>${why}</p></body></html>` };
}

/** plex.tv's error shape: `{"errors":[{"code","message","status"}]}` (XML: `<errors><error …/></errors>`). */
export function plexTvError(req: FakeRequest, status: number, code: number, message: string): FakeResponse {
  return plexTvReply(req, status, { errors: [{ code, message, status }] }, 'errors', { error: { code, message, status } });
}

/** Epoch seconds from a millisecond clock. */
export const sec = (ms: number): number => Math.floor(ms / 1000);
