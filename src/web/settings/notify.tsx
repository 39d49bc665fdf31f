/** Settings → Notifications: add (the URL must parse), per-URL events, remove, and Test with each answer shown. */
import { Hono, type Context } from 'hono';
import { NotifySection, type NotifySectionView } from '../../../views/settings/notify-section.js';
import { NOTIFY_EVENTS, OPT_IN_EVENTS, type NotifyEvent } from '../../notify/events.js';
import { maskPingUrl } from '../../notify/sync-ping.js';
import { addTarget, listTargetSummaries, loadTarget, recentDeliveries, removeTarget, replaceTargetUrl } from '../../notify/targets.js';
import { NotifyUrlError, parseNotifyUrl, withEvents } from '../../notify/urls.js';
import type { AppEnv } from '../env.js';
import { readForm } from '../form.js';
import { answerSection } from './render.js';

const CHOOSABLE = NOTIFY_EVENTS.filter((e) => e !== 'notify.test');
const DEFAULTS = CHOOSABLE.filter((e) => !OPT_IN_EVENTS.has(e));

type Extra = Pick<NotifySectionView, 'addError' | 'addValue' | 'message' | 'testResults'>;

export async function renderNotifySection(c: Context<AppEnv>, extra: Extra = {}) {
  const { deps } = c.var;
  const deliveries = await recentDeliveries(deps.db, 15);
  const view: NotifySectionView = {
    csrf: c.var.csrf,
    targets: await listTargetSummaries(deps.db),
    deliveries: deliveries.map((d) => ({ at: d.at, masked: d.masked_url, event: d.event, title: d.title, ok: d.ok === 1, status: d.status, error: d.error })),
    events: CHOOSABLE,
    defaults: DEFAULTS,
    waiting: deps.notify.outbox.waiting(),
    pingUrl: deps.config.notify.syncPingUrl ? maskPingUrl(deps.config.notify.syncPingUrl) : undefined,
    ...extra,
  };
  return <NotifySection view={view} />;
}

/** The ticked events, or undefined when they are the default set (the URL then needs no ?events=). */
function chosenEvents(form: Record<string, string>): NotifyEvent[] | undefined {
  const chosen = CHOOSABLE.filter((e) => form[`event:${e}`]);
  const isDefault = chosen.length === DEFAULTS.length && DEFAULTS.every((e) => chosen.includes(e));
  return isDefault ? undefined : chosen;
}

export function notifySettingsRoutes() {
  const app = new Hono<AppEnv>();
  const answer = async (c: Context<AppEnv>, extra: Extra, status: 200 | 400 | 422 = 200) => answerSection(c, 'notifications', await renderNotifySection(c, extra), status);

  app.post('/settings/notifications', async (c) => {
    const { deps } = c.var;
    const form = await readForm(c);
    const typed = (form.url ?? '').trim();
    if (!typed) return answer(c, { addError: 'Enter a notification URL, such as ntfys://ntfy.sh/your-topic.' }, 422);
    let target;
    try {
      const own = parseNotifyUrl(typed);
      const events = chosenEvents(form);
      // A URL that names its own ?events= keeps them; otherwise the boxes decide.
      if (own.events || !events) target = own;
      else if (events.length === 0) return answer(c, { addError: 'Tick at least one event for this URL.' }, 422);
      else target = parseNotifyUrl(withEvents(typed, events));
    } catch (err) {
      if (!(err instanceof NotifyUrlError)) throw err;
      // The typed URL is not echoed back: it may hold a token.
      return answer(c, { addError: `This URL cannot be used: ${err.message}` }, 422);
    }
    for (const s of target.secrets) deps.secretRegistry.add(s);
    await addTarget(deps.db, deps.cipher, target, 'settings');
    deps.log.info({ component: 'notify', target: target.masked }, `notification URL added: ${target.masked}`);
    return answer(c, { message: { kind: 'ok', text: `Added ${target.masked}. Send a test to check that it arrives.` } });
  });

  app.post('/settings/notifications/test', async (c) => {
    const results = await c.var.deps.notify.test();
    if (results.length === 0) return answer(c, { message: { kind: 'warn', text: 'There is no notification URL to test: add one first.' } });
    const failed = results.filter((r) => !r.ok).length;
    const text = failed === 0 ? 'Every URL took the test notification.' : `${failed} of ${results.length} URL(s) did not take the test notification: check the answer below and the URL.`;
    return answer(c, { message: { kind: failed ? 'error' : 'ok', text }, testResults: results });
  });

  app.post('/settings/notifications/:id{[0-9]+}/events', async (c) => {
    const { deps } = c.var;
    const stored = await loadTarget(deps.db, deps.cipher, Number(c.req.param('id')));
    if (!stored) return answer(c, { message: { kind: 'error', text: 'That URL is no longer there; the list below is current.' } }, 400);
    if (stored.source === 'env') return answer(c, { message: { kind: 'error', text: 'That URL is set by NOTIFY_URLS: change its ?events= in the environment.' } }, 422);
    const events = chosenEvents(await readForm(c));
    if (events && events.length === 0) return answer(c, { message: { kind: 'error', text: 'Tick at least one event, or remove the URL.' } }, 422);
    const next = parseNotifyUrl(withEvents(stored.target.raw, events));
    await replaceTargetUrl(deps.db, deps.cipher, stored.id, next);
    return answer(c, { message: { kind: 'ok', text: `Saved: ${next.masked} gets ${events ? events.join(', ') : 'the default events'}.` } });
  });

  app.post('/settings/notifications/:id{[0-9]+}/remove', async (c) => {
    const { deps } = c.var;
    const removed = await removeTarget(deps.db, Number(c.req.param('id')));
    return answer(c, { message: removed ? { kind: 'ok', text: 'Removed; nothing more is sent to that URL.' } : { kind: 'error', text: 'That URL is set by NOTIFY_URLS or already gone.' } }, removed ? 200 : 422);
  });

  return app;
}
