/**
 * A run the guard held: the data its page shows (reasons, the plan paged) and the
 * approve / discard actions the page and the API share.
 */
import { listPeople, OWNER_ACCOUNT_ID } from '../db/repos/people.js';
import { getRun } from '../db/repos/sync-runs.js';
import type { SyncRunRow } from '../db/tables/sync.js';
import { NotHeldError, SyncBusyError } from '../sync/run.js';
import { PLAN_LISTS, planPage, type PlanList } from '../sync/plan-store.js';
import { guardReasonsOf } from '../sync/guard.js';
import type { HeldPlanView } from '../../views/runs/held-plan.js';
import type { AppDeps } from './env.js';

const PER_PAGE = 50;

export async function heldPlanView(deps: AppDeps, run: SyncRunRow, csrf: string, query: { list?: string; page?: string }): Promise<HeldPlanView> {
  const counts: Record<string, number> = {};
  for (const l of PLAN_LISTS) counts[l] = (await planPage(deps.db, run.id, l, 1, 0)).total;
  // The first list with anything in it, removals first (what the guard is most often about).
  const order: PlanList[] = ['fromTrakt', 'unwatchInPlex', 'toTrakt', 'toPlex', 'ratingsToTrakt', 'ratingsToPlex'];
  const list = (PLAN_LISTS as readonly string[]).includes(query.list ?? '') ? (query.list as PlanList) : (order.find((l) => counts[l]! > 0) ?? 'fromTrakt');
  const pages = Math.max(1, Math.ceil(counts[list]! / PER_PAGE));
  const page = Math.min(pages, Math.max(1, Number.parseInt(query.page ?? '1', 10) || 1));
  const { items } = await planPage(deps.db, run.id, list, page, PER_PAGE);
  // A household's held run may hold other people's plans than the owner's: each item then says whose it is.
  const whose = new Set((await deps.db.selectFrom('sync_plan_items').select('person').distinct().where('run_id', '=', run.id).execute()).map((r) => r.person));
  const names = new Map((await listPeople(deps.db)).map((p) => [p.plex_account_id, p.name]));
  const labelled = items.map(({ person, ...item }) => (whose.size > 1 || !whose.has(OWNER_ACCOUNT_ID) ? { ...item, who: names.get(person) ?? `#${person}` } : item));
  return { runId: run.id, csrf, reasons: guardReasonsOf(run), counts, list, page, pages, items: labelled };
}

export type HeldAction = { ok: true; runId: number } | { ok: false; status: 404 | 409; message: string };

export async function approveRun(deps: AppDeps, runId: number): Promise<HeldAction> {
  if (!(await getRun(deps.db, runId))) return { ok: false, status: 404, message: `There is no sync run ${runId}.` };
  try {
    const started = await deps.sync.approve(runId);
    return { ok: true, runId: started.runId };
  } catch (err) {
    if (err instanceof SyncBusyError) return { ok: false, status: 409, message: err.message };
    if (err instanceof NotHeldError) return { ok: false, status: 409, message: err.message };
    throw err;
  }
}

export async function discardRun(deps: AppDeps, runId: number): Promise<HeldAction> {
  if (!(await getRun(deps.db, runId))) return { ok: false, status: 404, message: `There is no sync run ${runId}.` };
  if (await deps.sync.discard(runId)) return { ok: true, runId };
  return { ok: false, status: 409, message: `Sync run ${runId} is not waiting for approval, so there is nothing to discard.` };
}
