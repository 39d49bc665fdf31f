/**
 * The parts of a Plex webhook payload the receiver stores and the rules read. Loose on
 * purpose (Plex adds fields all the time) but strict about the types of what we use, so
 * a payload with `event: 5` is a 400 and not a puzzle for the worker.
 */
import { z } from 'zod';

const numeric = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/).transform(Number)]);
const key = z.union([z.string(), z.number().transform(String)]);

const part = z.object({ file: z.string().optional() }).passthrough();
const media = z.object({ Part: z.array(part).optional() }).passthrough();

export const metadataSchema = z
  .object({
    type: z.string().optional(),
    title: z.string().optional(),
    grandparentTitle: z.string().optional(),
    year: numeric.optional(),
    index: numeric.optional(),
    parentIndex: numeric.optional(),
    ratingKey: key.optional(),
    grandparentRatingKey: key.optional(),
    librarySectionID: key.optional(),
    librarySectionType: z.string().optional(),
    guid: z.string().optional(),
    Guid: z.array(z.object({ id: z.string() }).passthrough()).optional(),
    duration: numeric.optional(),
    viewOffset: numeric.optional(),
    Media: z.array(media).optional(),
  })
  .passthrough();

export const payloadSchema = z
  .object({
    event: z.string().min(1, 'must not be empty'),
    user: z.boolean().optional(),
    owner: z.boolean().optional(),
    rating: numeric.nullable().optional(),
    Account: z.object({ id: numeric.optional(), title: z.string().optional() }).passthrough().optional(),
    Server: z.object({ uuid: z.string().optional(), title: z.string().optional() }).passthrough().optional(),
    Player: z.object({ title: z.string().optional(), uuid: z.string().optional(), local: z.boolean().optional() }).passthrough().optional(),
    Metadata: metadataSchema.optional(),
    /** Only on events the live listener made: the session it saw and the watched threshold then. */
    Live: z.object({ sessionKey: z.string().optional(), state: z.string().optional(), threshold: numeric.optional() }).passthrough().optional(),
  })
  .passthrough();

export type WebhookPayload = z.output<typeof payloadSchema>;
export type WebhookMetadata = z.output<typeof metadataSchema>;

export class PayloadError extends Error {
  override name = 'PayloadError';
}

/** Parses the payload text; throws a PayloadError whose message says what is wrong. */
export function parsePayload(text: string): WebhookPayload {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new PayloadError('The payload is not valid JSON.');
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new PayloadError('The payload must be a JSON object.');
  if (!('event' in json)) throw new PayloadError('The payload has no "event".');
  const parsed = payloadSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new PayloadError(`The payload field ${issue.path.join('.') || '(root)'} is invalid: ${issue.message}.`);
  }
  return parsed.data;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** "Show · S01E02 · Title", "Movie (1999)", or the title alone. */
export function displayTitle(m: WebhookMetadata | undefined): string | null {
  if (!m) return null;
  if (m.type === 'episode') {
    const se = m.parentIndex !== undefined && m.index !== undefined ? `S${pad(m.parentIndex)}E${pad(m.index)}` : undefined;
    return [m.grandparentTitle, se, m.title].filter(Boolean).join(' · ') || null;
  }
  if (m.title) return m.year ? `${m.title} (${m.year})` : m.title;
  return null;
}

/** The columns stored beside the raw payload. */
export function summarize(p: WebhookPayload) {
  const m = p.Metadata;
  return {
    event: p.event,
    accountId: p.Account?.id !== undefined && Number.isFinite(p.Account.id) ? Math.trunc(p.Account.id) : null,
    accountTitle: p.Account?.title ?? null,
    serverUuid: p.Server?.uuid ?? null,
    serverTitle: p.Server?.title ?? null,
    playerTitle: p.Player?.title ?? null,
    ratingKey: m?.ratingKey ?? null,
    mediaType: m?.type ?? null,
    title: displayTitle(m),
  };
}
