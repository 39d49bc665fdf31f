/**
 * Settings → People: the section (read from plex.tv when stale), a person's switches and
 * PIN (POST /settings/people/:id), their own Trakt account by device code from the row
 * (start, one poll step per htmx request, disconnect), and "read plex.tv again".
 */
import { Hono, type Context } from 'hono';
import { Card } from '../../views/components.js';
import { PeopleSection, type PeopleSectionView } from '../../views/settings/people-section.js';
import { disconnectPerson, finishPersonLogin } from '../people/trakt-login.js';
import { startDeviceLogin } from '../trakt/device-auth.js';
import { TraktError } from '../trakt/errors.js';
import type { AppEnv } from './env.js';
import { readForm } from './form.js';
import { addFlowFor, getFlow, stepFlow } from './settings/device-flows.js';
import { answerSection } from './settings/render.js';

const PAGE_WAIT_MS = 3000;

type Extra = Pick<PeopleSectionView, 'message' | 'device'>;

/** Which person each running device login is for (flows are shared with the owner's Trakt login). */
const flowPerson = new Map<string, number>();

async function sectionView(c: Context<AppEnv>, extra: Extra = {}): Promise<PeopleSectionView> {
  const { people } = c.var.deps;
  // A slow plex.tv does not hold the page: the read goes on and the next view shows it.
  await Promise.race([people.refresh(), new Promise((resolve) => setTimeout(resolve, PAGE_WAIT_MS).unref())]);
  return { csrf: c.var.csrf, people: await people.views(), problem: people.lastProblem, ...extra };
}

export async function renderPeopleSection(c: Context<AppEnv>, extra: Extra = {}) {
  return (
    <section id="settings-people" data-section="people">
      <Card title="People">
        <PeopleSection view={await sectionView(c, extra)} />
      </Card>
    </section>
  );
}

const answer = async (c: Context<AppEnv>, extra: Extra = {}) => answerSection(c, 'people', await renderPeopleSection(c, extra));

const sentence = (err: unknown): string => {
  if (err instanceof TraktError) return err.message;
  throw err;
};

export function peopleRoutes() {
  const app = new Hono<AppEnv>();
  app.get('/settings/people', async (c) => c.html(<PeopleSection view={await sectionView(c)} />));

  app.post('/settings/people/refresh', async (c) => {
    const problem = await c.var.deps.people.refresh({ force: true });
    return answer(c, problem ? {} : { message: { plexAccountId: 0, kind: 'ok', text: 'Read the household from plex.tv.' } });
  });

  app.post('/settings/people/:id{[0-9]+}', async (c) => {
    const id = Number(c.req.param('id'));
    const form = await readForm(c);
    const onOff = (v: string | undefined) => (v === 'on' ? true : v === 'off' ? false : undefined);
    const r = await c.var.deps.people.change(id, { pin: form.pin, webhooks: onOff(form.webhooks), sync: onOff(form.sync) });
    if ('error' in r) return answer(c, { message: { plexAccountId: id, kind: 'error', text: r.error } });
    const text = form.pin !== undefined ? (form.pin ? 'PIN accepted by Plex and stored.' : 'PIN forgotten.') : 'Saved. New events follow the new choice.';
    return answer(c, { message: { plexAccountId: id, kind: 'ok', text } });
  });

  app.post('/settings/people/:id{[0-9]+}/trakt/start', async (c) => {
    const { deps } = c.var;
    const id = Number(c.req.param('id'));
    if (!(await deps.people.view(id))) return answer(c, { message: { plexAccountId: 0, kind: 'error', text: 'That person is no longer listed. Reload the page.' } });
    let app, code;
    try {
      app = await deps.traktClients.oauthApp();
      code = await startDeviceLogin(app);
    } catch (err) {
      return answer(c, { message: { plexAccountId: id, kind: 'error', text: `${sentence(err)} Set up the Trakt app in Settings → Trakt first.` } });
    }
    const now = Date.now();
    const flow = addFlowFor(deps, app, code, now);
    flowPerson.set(flow.id, id);
    return answer(c, { device: { plexAccountId: id, flowId: flow.id, userCode: flow.userCode, verificationUrl: flow.verificationUrl, pollDelaySec: code.intervalSec } });
  });

  app.post('/settings/people/:id{[0-9]+}/trakt/:flow{[0-9a-f]{24}}', async (c) => {
    const { deps } = c.var;
    const id = Number(c.req.param('id'));
    const flowId = c.req.param('flow');
    const flow = getFlow(deps, flowId);
    const fail = (text: string) => answer(c, { message: { plexAccountId: id, kind: 'error', text } });
    if (!flow || flowPerson.get(flowId) !== id) return fail('This login is no longer running (the server restarted or it already ended). Click Connect Trakt to start again.');
    const waiting = () => {
      const device = { plexAccountId: id, flowId, userCode: flow.userCode, verificationUrl: flow.verificationUrl, note: flow.note, pollDelaySec: Math.max(1, Math.ceil((flow.nextPollAt - Date.now()) / 1000)) };
      return answer(c, { device });
    };
    const step = await stepFlow(deps, flow);
    if (step.kind === 'waiting') return waiting();
    flowPerson.delete(flowId);
    if (step.kind === 'ended') return fail(step.text);
    try {
      const account = await finishPersonLogin(deps, id, flow.app.clientId, step.tokens);
      // Their history is copied in the background from now on (their own client and budgets).
      deps.history.request(account.id, 'auto', 0);
      return answer(c, { message: { plexAccountId: id, kind: 'ok', text: `Connected to Trakt as ${account.username}.` } });
    } catch (err) {
      return fail(sentence(err));
    }
  });

  app.post('/settings/people/:id{[0-9]+}/trakt/disconnect', async (c) => {
    const id = Number(c.req.param('id'));
    const r = await disconnectPerson(c.var.deps, id);
    const text = r === null ? 'They had no Trakt account of their own.' : (r.note ?? 'Disconnected; the sign-in was revoked at Trakt.');
    return answer(c, { message: { plexAccountId: id, kind: r?.note ? 'error' : 'ok', text } });
  });
  return app;
}
