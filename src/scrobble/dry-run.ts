/**
 * "Preview what a webhook would do": a sample media.scrobble from the server owner goes through the
 * same filters and rules as a real webhook, without calling Trakt or storing anything,
 * and the answer says what a real Plex webhook would have done.
 */
import { parseGuids } from './guids.js';
import type { ScrobblePorts } from './ports.js';
import { decide } from './rules.js';
import { scrobbleBody } from './trakt-bodies.js';

export interface DryRunResult {
  steps: string[];
  verdict: string;
  request?: { path: string; body: unknown };
}

const SAMPLE = {
  title: 'The Matrix (1999)',
  guid: 'plex://movie/5d7768ba96b655001fdc0408',
  Guid: ['imdb://tt0133093', 'tmdb://603'],
  viewOffset: 7_752_000,
  duration: 8_160_000,
};

/** `ports`: the running worker's (undefined when it is not running). */
export async function dryRunTestEvent(ports: ScrobblePorts | undefined): Promise<DryRunResult> {
  const steps: string[] = [`A sample media.scrobble: your account (the server owner) watched ${SAMPLE.title} to 95%.`];
  if (!ports) return { steps, verdict: 'The event worker is not running, so a real webhook would wait in the queue until the service starts it.' };
  const server = await ports.connectedServer();
  steps.push(server ? 'It comes from the connected Plex server, so it passes the server check.' : 'No Plex server is connected, so events from any server are accepted.');
  const account = await ports.defaultTraktAccount();
  if (account === null) {
    return { steps, verdict: 'Trakt is not connected: a real webhook would be stored and ignored with the reason "Trakt is not connected". Connect Trakt in Settings.' };
  }
  steps.push(`The server owner's events go to the connected Trakt account (#${account}).`);
  const ids = parseGuids(SAMPLE.guid, SAMPLE.Guid).ids;
  steps.push(`Identity from the Guid list: imdb ${ids.imdb}, tmdb ${ids.tmdb}.`);
  const now = Date.now();
  const progress = Math.round((100 * SAMPLE.viewOffset) / SAMPLE.duration);
  const d = decide({ event: 'media.scrobble', receivedAt: now, now, progress, lastPlayAt: null });
  if (d.kind !== 'send' || d.action !== 'scrobble.stop') return { steps, verdict: `The rules would not send it: ${d.kind === 'skip' ? d.reason : d.action}` };
  const body = scrobbleBody({ type: 'movie', ids }, d.progress);
  steps.push('Processed within 10 minutes of arrival, so it is a live scrobble (later it would be added to history at the time it arrived).');
  steps.push('If this item had been scrobbled for this account in the last 6 hours, it would be recorded as a duplicate instead.');
  return { steps, verdict: `A real webhook would send POST /scrobble/stop at ${d.progress}% — one play on Trakt. Nothing was sent now.`, request: { path: '/scrobble/stop', body } };
}
