/**
 * The Plex webhook payload (the multipart `payload` part, JSON; API.md B.5). Lenient on
 * fields we do not read (Plex adds new ones all the time, they pass through), strict on
 * the types of those we use, so a malformed payload is one clear 400 and not a puzzle
 * for the worker later.
 */
import { z } from 'zod';

/** Plex sends numbers; some proxies re-encode them as strings. Both are accepted. */
const numeric = z.union([z.number().finite(), z.string().trim().regex(/^-?\d+(\.\d+)?$/, 'must be a number').transform(Number)]);
/** Keys (ratingKey, section id) are strings in PMS JSON and numbers in some payloads: always a string here. */
const key = z.union([z.string().min(1, 'must not be empty'), z.number().int().transform(String)]);
const flag = z.union([z.boolean(), z.literal(0).transform(() => false), z.literal(1).transform(() => true)]);

const part = z.looseObject({ file: z.string().optional(), duration: numeric.optional() });
const media = z.looseObject({ duration: numeric.optional(), Part: z.array(part).optional() });

export const webhookMetadataSchema = z.looseObject({
  type: z.string().optional(),
  librarySectionType: z.string().optional(),
  ratingKey: key.optional(),
  key: z.string().optional(),
  guid: z.string().optional(),
  Guid: z.array(z.looseObject({ id: z.string() })).optional(),
  title: z.string().optional(),
  grandparentTitle: z.string().optional(),
  grandparentRatingKey: key.optional(),
  grandparentGuid: z.string().optional(),
  parentRatingKey: key.optional(),
  parentIndex: numeric.optional(),
  index: numeric.optional(),
  year: numeric.optional(),
  duration: numeric.optional(),
  viewOffset: numeric.optional(),
  viewCount: numeric.optional(),
  lastViewedAt: numeric.optional(),
  librarySectionID: key.optional(),
  librarySectionTitle: z.string().optional(),
  Media: z.array(media).optional(),
});

export const plexWebhookSchema = z.looseObject({
  event: z.string().trim().min(1, 'must not be empty'),
  user: flag.optional(),
  owner: flag.optional(),
  /** `media.rate` only: 0-10 (Plex's scale); absent or -1 when a rating was cleared. */
  rating: numeric.nullable().optional(),
  Account: z.looseObject({ id: numeric.optional(), title: z.string().optional(), thumb: z.string().optional() }).optional(),
  Server: z.looseObject({ uuid: z.string().optional(), title: z.string().optional() }).optional(),
  Player: z.looseObject({ title: z.string().optional(), uuid: z.string().optional(), local: flag.optional(), publicAddress: z.string().optional() }).optional(),
  Metadata: webhookMetadataSchema.optional(),
});

export type PlexWebhook = z.output<typeof plexWebhookSchema>;
export type PlexWebhookMetadata = z.output<typeof webhookMetadataSchema>;

/** A payload that cannot be used; the message is a sentence naming the field. */
export class WebhookPayloadError extends Error {
  override name = 'WebhookPayloadError';
}

/** Parses the payload from its JSON text (or an already parsed value). Throws WebhookPayloadError. */
export function parsePlexWebhook(input: string | unknown): PlexWebhook {
  let json: unknown = input;
  if (typeof input === 'string') {
    try {
      json = JSON.parse(input);
    } catch {
      throw new WebhookPayloadError('The webhook payload is not valid JSON.');
    }
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new WebhookPayloadError('The webhook payload must be a JSON object.');
  const parsed = plexWebhookSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length ? issue.path.join('.') : '(root)';
    throw new WebhookPayloadError(`The webhook payload field "${where}" is invalid: ${issue.message}.`);
  }
  return parsed.data;
}

/** The media files of the item (first part of each media), for logs and the events page. */
export function webhookFiles(m: PlexWebhookMetadata | undefined): string[] {
  return (m?.Media ?? []).flatMap((x) => (x.Part ?? []).map((p) => p.file).filter((f): f is string => !!f));
}
