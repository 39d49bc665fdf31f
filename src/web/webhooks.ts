/**
 * POST /webhooks/plex/:secret — Plex's webhook. Secret first (constant time, before the
 * body is read), then multer on the raw Node request with strict limits (or a JSON body,
 * as Tautulli and proxies send), then ONE write to webhook_events, then 200. The worker
 * does everything else, so Plex never waits on Trakt and nothing acknowledged is lost.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Hono, type Context } from 'hono';
import multer from 'multer';
import { insertWebhookEvent } from '../db/repos/webhook-events.js';
import { scrubPayloadTokens } from '../log/redact.js';
import { PayloadError, parsePayload, summarize } from '../scrobble/payload.js';
import { webhookAckSeconds, webhooksReceived, webhooksRejected } from '../scrobble/metrics.js';
import { safeEqual } from '../security/password.js';
import type { AppEnv } from './env.js';
import { publishNewEvent } from './events-live.js';

export const WEBHOOK_LIMITS = {
  payloadBytes: 256 * 1024,
  thumbBytes: 2 * 1024 * 1024,
  files: 1,
  parts: 10,
} as const;

const upload = multer({
  storage: multer.memoryStorage(),
  limits: {
    fieldSize: WEBHOOK_LIMITS.payloadBytes,
    fileSize: WEBHOOK_LIMITS.thumbBytes,
    files: WEBHOOK_LIMITS.files,
    parts: WEBHOOK_LIMITS.parts,
    fields: WEBHOOK_LIMITS.parts,
    fieldNameSize: 100,
  },
}).any();

class Refusal extends Error {
  constructor(readonly status: 400 | 413, message: string) {
    super(message);
  }
}

/** Multer's limit codes as the answer Plex (or whoever sent it) gets. */
function multerRefusal(err: unknown): Refusal {
  const code = (err as { code?: string }).code;
  switch (code) {
    case 'LIMIT_FIELD_VALUE':
      return new Refusal(413, `The payload field is larger than ${WEBHOOK_LIMITS.payloadBytes / 1024} KB.`);
    case 'LIMIT_FILE_SIZE':
      return new Refusal(413, `The attached image is larger than ${WEBHOOK_LIMITS.thumbBytes / 1024 / 1024} MB.`);
    case 'LIMIT_FILE_COUNT':
      return new Refusal(413, 'Only one attached file (the thumbnail) is accepted.');
    case 'LIMIT_PART_COUNT':
    case 'LIMIT_FIELD_COUNT':
      return new Refusal(413, `The form has more than ${WEBHOOK_LIMITS.parts} parts.`);
    case 'LIMIT_FIELD_KEY':
      return new Refusal(400, 'A form field name is too long.');
    default: {
      const message = err instanceof Error ? err.message : String(err);
      return new Refusal(400, `The multipart body could not be read (${message.slice(0, 120)}).`);
    }
  }
}

async function readMultipartPayload(req: IncomingMessage, res: ServerResponse): Promise<string> {
  await new Promise<void>((resolve, reject) => upload(req as any, res as any, (err?: unknown) => (err ? reject(multerRefusal(err)) : resolve())));
  const r = req as IncomingMessage & { body?: Record<string, unknown>; files?: Array<{ buffer?: Buffer }> };
  // The thumbnail was read within its limit and is dropped here: it is never stored.
  if (r.files) for (const f of r.files) f.buffer = undefined;
  const payload = r.body?.payload;
  if (typeof payload !== 'string') throw new Refusal(400, 'The form has no "payload" field.');
  return payload;
}

/** Reads a non-multipart body up to the payload limit; the rest is drained, never buffered. */
async function readLimitedBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > WEBHOOK_LIMITS.payloadBytes) tooLarge = true;
    if (size > 16 * WEBHOOK_LIMITS.payloadBytes) break; // stop draining a runaway body
    if (!tooLarge) chunks.push(chunk);
  }
  if (tooLarge) throw new Refusal(413, `The body is larger than ${WEBHOOK_LIMITS.payloadBytes / 1024} KB.`);
  return Buffer.concat(chunks).toString('utf8');
}

async function readPayloadText(c: Context<AppEnv>): Promise<string> {
  const type = (c.req.header('content-type') ?? '').toLowerCase();
  const req = c.env.incoming;
  if (type.startsWith('multipart/form-data')) return readMultipartPayload(req, c.env.outgoing);
  if (type.startsWith('application/json')) {
    const text = await readLimitedBody(req);
    // A proxy may wrap Plex's form as {"payload": "<json>"}; unwrap it.
    try {
      const j = JSON.parse(text) as { payload?: unknown; event?: unknown };
      if (j && typeof j === 'object' && j.event === undefined && typeof j.payload === 'string') return j.payload;
    } catch {
      /* parsePayload says what is wrong */
    }
    return text;
  }
  if (type.startsWith('application/x-www-form-urlencoded')) {
    const payload = new URLSearchParams(await readLimitedBody(req)).get('payload');
    if (payload === null) throw new Refusal(400, 'The form has no "payload" field.');
    return payload;
  }
  throw new Refusal(400, 'Send the webhook as multipart/form-data (what Plex sends) or as application/json.');
}

export function webhookRoutes() {
  const app = new Hono<AppEnv>();
  app.post('/webhooks/plex/:secret', async (c) => {
    const started = performance.now();
    const { deps } = c.var;
    if (!safeEqual(c.req.param('secret'), deps.secrets.webhookSecret())) {
      webhooksRejected.inc({ status: 401 });
      c.header('Connection', 'close');
      return c.json({ error: 'unauthorized', message: 'This webhook URL is not valid. Copy the current one from Settings into Plex.' }, 401);
    }
    let text: string;
    let summary: ReturnType<typeof summarize>;
    try {
      text = await readPayloadText(c);
      summary = summarize(parsePayload(text));
    } catch (err) {
      if (err instanceof Refusal || err instanceof PayloadError) {
        const status = err instanceof Refusal ? err.status : 400;
        webhooksRejected.inc({ status });
        deps.log.warn({ component: 'webhook', status, reason: err.message }, 'webhook refused');
        return c.json({ error: 'bad_request', message: err.message }, status);
      }
      throw err;
    }
    const receivedAt = Date.now();
    // Stored scrubbed: the events table must not hold a token planted in (or passed along with) a payload.
    const stored = scrubPayloadTokens(deps.secretRegistry.scrub(text));
    const id = insertWebhookEvent(deps.sqlite, { ...summary, receivedAt, payload: stored });
    webhooksReceived.inc({ event: summary.event });
    deps.webhookQueue?.wake();
    publishNewEvent(deps, id);
    deps.log.debug({ component: 'webhook', eventId: id, event: summary.event }, 'webhook stored');
    webhookAckSeconds.observe((performance.now() - started) / 1000);
    return c.json({ ok: true, id });
  });
  return app;
}
