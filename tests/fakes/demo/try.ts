/**
 * What the demo's banner tells a newcomer to try: a page of the nav, and on it a button. The
 * demo test checks every step against the pages and the README, so the three tell one story.
 */
export interface TryStep {
  /** A nav label (views/layout.tsx NAV). */
  page: string;
  /** A button on that page, by its text. */
  action?: string;
}

export const DEMO_TRY: TryStep[] = [
  { page: 'Sync runs', action: 'Run sync now' },
  { page: 'Webhook events' },
  { page: 'Trakt history' },
  { page: 'Dashboard', action: 'Preview what a webhook would do' },
  { page: 'Settings', action: 'Send a test to every URL' },
];

export const demoTryLine = (): string => `  Try: ${DEMO_TRY.map((s) => (s.action ? `${s.page} → ${s.action}` : s.page)).join('; ')}.`;
