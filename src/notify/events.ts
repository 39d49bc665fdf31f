/**
 * The notification events of the contract and what each message says: what happened,
 * what to do next, and a link to the page where it can be done (PUBLIC_URL based).
 */
export const NOTIFY_EVENTS = [
  'sync.failed',
  'sync.partial',
  'sync.awaiting_approval',
  'sync.succeeded',
  'scrobble.failed',
  'trakt.auth_lost',
  'trakt.locked',
  'plex.unreachable',
  'plex.recovered',
  'notify.test',
] as const;

export type NotifyEvent = (typeof NOTIFY_EVENTS)[number];

/** A URL without `?events=` gets every event but these (a success every few hours is noise). */
export const OPT_IN_EVENTS: ReadonlySet<NotifyEvent> = new Set(['sync.succeeded']);

export type NotifyType = 'info' | 'success' | 'warning' | 'failure';

/** What the place that raised an event knows; each event reads the fields it needs. */
export type NotifyDetails = Record<string, string | number | boolean | null | undefined>;

export interface NotifyMessage {
  event: NotifyEvent;
  title: string;
  /** Sentences: what happened, then what to do (with the link when one is known). */
  message: string;
  type: NotifyType;
  /** The page to open, when PUBLIC_URL is set. */
  link?: string;
  details: NotifyDetails;
}

export function isNotifyEvent(name: string): name is NotifyEvent {
  return (NOTIFY_EVENTS as readonly string[]).includes(name);
}

/** Whether a target with this `?events=` list (undefined: none given) wants the event. */
export function targetWants(events: readonly NotifyEvent[] | undefined, event: NotifyEvent): boolean {
  if (event === 'notify.test') return true; // a test reaches every target, whatever it listens to
  return events ? events.includes(event) : !OPT_IN_EVENTS.has(event);
}

const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));

function minutes(ms: unknown): string {
  const m = Math.max(1, Math.round(Number(ms) / 60_000));
  return `${m} minute${m === 1 ? '' : 's'}`;
}

/** The message of an event; `folded` more of the same were raised since (shown as "and N more"). */
export function composeMessage(event: NotifyEvent, details: NotifyDetails, publicUrl: string | undefined, folded = 0): NotifyMessage {
  const base = publicUrl?.replace(/\/+$/, '');
  const at = (path: string) => (base ? `${base}${path}` : undefined);
  const open = (link: string | undefined, page: string) => (link ? `Open ${link}` : `Open ${page} in the dashboard`);
  const run = str(details.runId);
  let m: Omit<NotifyMessage, 'event' | 'details'>;
  switch (event) {
    case 'sync.failed': {
      const link = at(`/runs/${run}`);
      m = { type: 'failure', title: `Sync run ${run} failed`, link, message: `${str(details.error) || 'The sync stopped.'} ${open(link, 'Sync runs')} to read its log; the next run picks up where this one stopped.` };
      break;
    }
    case 'sync.partial': {
      const link = at(`/runs/${run}`);
      m = { type: 'warning', title: `Sync run ${run} finished with errors`, link, message: `${str(details.error) || 'Some items could not be written.'} ${open(link, 'Sync runs')} to see which.` };
      break;
    }
    case 'sync.awaiting_approval': {
      const link = at(`/runs/${run}`);
      m = { type: 'warning', title: `Sync run ${run} is waiting for your approval`, link, message: `${str(details.reason) || 'The run would change more than the guard allows.'} Nothing was written. ${open(link, 'this run')} to approve or discard it (or run plex-trakt-sync sync --yes).` };
      break;
    }
    case 'sync.succeeded': {
      const link = at(`/runs/${run}`);
      m = { type: 'success', title: `Sync run ${run} succeeded`, link, message: `${str(details.summary) || 'Plex and Trakt are in step.'} ${open(link, 'Sync runs')} for the details.` };
      break;
    }
    case 'scrobble.failed': {
      const link = at('/events?status=failed');
      const what = str(details.title) || 'a play';
      m = { type: 'failure', title: `A scrobble failed: ${what}`, link, message: `${str(details.reason) || 'Trakt did not take it.'} ${open(link, 'Events')} to retry it (Retry failed) once the cause is fixed.` };
      break;
    }
    case 'trakt.auth_lost': {
      const link = at('/settings');
      const who = details.username ? ` for ${str(details.username)}` : '';
      m = { type: 'failure', title: `Trakt sign-in lost${who}`, link, message: `Trakt refused to renew the sign-in${details.reason ? ` (${str(details.reason)})` : ''}, so nothing reaches Trakt. ${open(link, 'Settings')} and connect Trakt again (or run plex-trakt-sync login trakt).` };
      break;
    }
    case 'trakt.locked': {
      const link = at('/settings');
      m = { type: 'failure', title: `Trakt answered ${str(details.status) || '423'}: the account is locked or full`, link, message: `${str(details.reason) || 'Trakt refuses writes for this account.'} ${open(link, 'Settings')} to see the account's state.` };
      break;
    }
    case 'plex.unreachable': {
      const link = at('/settings');
      m = { type: 'warning', title: 'The Plex server is unreachable', link, message: `Plex has not answered for ${minutes(details.downForMs)}${details.reason ? ` (${str(details.reason)})` : ''}. Check that the server is running and reachable from this service, then press Test connection in Settings → Plex${link ? ` (${link})` : ''}. Webhooks are kept and processed once it answers.` };
      break;
    }
    case 'plex.recovered': {
      const link = at('/');
      m = { type: 'success', title: 'The Plex server answers again', link, message: `Plex was unreachable for ${minutes(details.downForMs)}. Nothing to do: waiting webhooks are processed now and the next sync catches up. ${open(link, 'the dashboard')} to follow it.` };
      break;
    }
    case 'notify.test': {
      const link = at('/settings');
      m = { type: 'info', title: 'Test notification from Plex-Trakt Sync', link, message: `If you can read this, notifications reach you. Choose which events this URL gets in Settings → Notifications${link ? ` (${link})` : ''}.` };
      break;
    }
  }
  if (folded > 0) {
    m = { ...m, title: `${m.title} (and ${folded} more)`, message: `${m.message} And ${folded} more like it in the last minutes.` };
  }
  return { event, details: stripUndefined(details), ...m };
}

function stripUndefined(d: NotifyDetails): NotifyDetails {
  const out: NotifyDetails = {};
  for (const [k, v] of Object.entries(d)) if (v !== undefined) out[k] = v;
  return out;
}
