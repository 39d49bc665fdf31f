/**
 * One reading of every answer to a write, for Trakt and Plex alike (DESIGN.md, "Writes whose
 * answer is lost"): done, refused, or unknown. Behind Cloudflare a 502 or a cut connection can
 * come back for a write the origin carried out, and Trakt keeps every play it is sent, so an
 * unknown write is never sent again until the other side has been read.
 */
export type WriteVerdict = 'done' | 'refused' | 'unknown';

export interface WriteAnswerLike {
  status: number;
  body?: unknown;
}

/** Statuses after which the write may or may not have been carried out: any 5xx (Cloudflare's 520-530 too) and 408. */
export function isUnknownStatus(status: number): boolean {
  return status >= 500 || status === 408;
}

export interface ClassifyOptions {
  /** Whether a 2xx body is the service's whole answer (a cut-off or HTML body is unknown). */
  readable?: (body: unknown) => boolean;
  /** A 409 to a scrobble means Trakt already has it: done. */
  conflictIsDone?: boolean;
}

/** `null` is "no answer": a network error, a time-out, a connection closed after the request was sent. */
export function classifyWrite(answer: WriteAnswerLike | null, o: ClassifyOptions = {}): WriteVerdict {
  if (!answer) return 'unknown';
  const s = answer.status;
  if (s >= 200 && s < 300) return !o.readable || o.readable(answer.body) ? 'done' : 'unknown';
  if (s === 409 && o.conflictIsDone) return 'done';
  if (isUnknownStatus(s)) return 'unknown';
  return 'refused';
}

/** A short phrase for logs and the run page: what came back instead of an answer. */
export function lostAnswerPhrase(answer: WriteAnswerLike | null | Error): string {
  if (!answer) return 'no answer';
  if (answer instanceof Error) return answer.message;
  if (answer.status >= 200 && answer.status < 300) return `an unreadable ${answer.status}`;
  return `${answer.status}`;
}
