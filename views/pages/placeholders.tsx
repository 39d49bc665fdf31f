/** Honest empty pages for sections whose features are not built yet: what will appear, and how. */
import { EmptyState, PageHeader } from '../components.js';

export function RunsPlaceholder() {
  return (
    <>
      <PageHeader title="Sync runs" subtitle="Every reconciliation run between Plex and Trakt." />
      <EmptyState title="No sync runs yet">
        A sync reads both libraries in bulk, compares them, and writes only the difference. Runs started from the
        dashboard, by the schedule, by <code>plex-trakt-sync sync</code> or by <code>POST /api/v1/sync</code> will be
        listed here with their counts and logs.
      </EmptyState>
    </>
  );
}

export function EventsPlaceholder() {
  return (
    <>
      <PageHeader title="Webhook events" subtitle="What Plex told us, and what we did about it." />
      <EmptyState title="No webhook events yet">
        Once Plex posts to the webhook URL shown in Settings, every event appears here with the decision taken (sent to
        Trakt, ignored, duplicate) and Trakt's answer.
      </EmptyState>
    </>
  );
}

export function HistoryPlaceholder() {
  return (
    <>
      <PageHeader title="Trakt history" subtitle="Your whole watch history on Trakt, newest first." />
      <EmptyState title="No history to show yet">
        After Trakt is connected in Settings, your Trakt history is copied here in the background and kept current
        after every sync and scrobble, with posters from TMDB.
      </EmptyState>
    </>
  );
}
