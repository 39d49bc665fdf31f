/**
 * Device logins in progress on the settings page, kept in memory by a random flow id (the
 * device code never reaches the browser). A restart forgets them; the page then says to
 * start again.
 */
import crypto from 'node:crypto';
import { DEVICE_STATE_SENTENCES, pollDeviceLogin } from '../../trakt/device-auth.js';
import { TraktError } from '../../trakt/errors.js';
import type { DeviceCode, OAuthApp } from '../../trakt/oauth.js';
import type { AppDeps } from '../env.js';

export interface DeviceFlow {
  id: string;
  app: OAuthApp;
  deviceCode: string;
  userCode: string;
  verificationUrl: string;
  expiresAt: number;
  intervalMs: number;
  nextPollAt: number;
  note?: string;
}

const flowsByDeps = new WeakMap<AppDeps, Map<string, DeviceFlow>>();

function flows(deps: AppDeps): Map<string, DeviceFlow> {
  let m = flowsByDeps.get(deps);
  if (!m) flowsByDeps.set(deps, (m = new Map()));
  return m;
}

export function addFlow(deps: AppDeps, f: Omit<DeviceFlow, 'id'>): DeviceFlow {
  const all = flows(deps);
  const now = Date.now();
  for (const [id, old] of all) if (old.expiresAt < now) all.delete(id); // bounded: expired flows go
  const flow = { ...f, id: crypto.randomBytes(12).toString('hex') };
  all.set(flow.id, flow);
  return flow;
}

/** A flow for a device code Trakt just gave (the settings page's own login and each person's row). */
export function addFlowFor(deps: AppDeps, app: OAuthApp, code: DeviceCode, now = Date.now()): DeviceFlow {
  return addFlow(deps, {
    app,
    deviceCode: code.deviceCode,
    userCode: code.userCode,
    verificationUrl: code.verificationUrl,
    expiresAt: now + code.expiresInSec * 1000,
    intervalMs: code.intervalSec * 1000,
    nextPollAt: now + code.intervalSec * 1000,
  });
}

export function getFlow(deps: AppDeps, id: string): DeviceFlow | undefined {
  return flows(deps).get(id);
}

export function endFlow(deps: AppDeps, id: string): void {
  flows(deps).delete(id);
}

type Approved = Extract<Awaited<ReturnType<typeof pollDeviceLogin>>, { state: 'approved' }>;

export type FlowStep = { kind: 'waiting' } | { kind: 'ended'; text: string; expired: boolean } | { kind: 'approved'; tokens: Approved['tokens'] };

/**
 * One step of a device login (the settings page's own and each person's row): waiting (too
 * early for Trakt's interval, Trakt says pending or slow down, or Trakt did not answer: the
 * flow's note and next poll time are updated), ended with a sentence (expired, denied, used…;
 * the flow is forgotten), or approved with the tokens (forgotten too).
 */
export async function stepFlow(deps: AppDeps, flow: DeviceFlow, now = Date.now()): Promise<FlowStep> {
  if (now > flow.expiresAt) {
    endFlow(deps, flow.id);
    return { kind: 'ended', text: DEVICE_STATE_SENTENCES.expired, expired: true };
  }
  if (now < flow.nextPollAt) return { kind: 'waiting' };
  let poll;
  try {
    poll = await pollDeviceLogin(flow.app, flow.deviceCode);
  } catch (err) {
    if (!(err instanceof TraktError)) throw err;
    flow.note = `Trakt did not answer (${err.message}); still trying.`;
    flow.nextPollAt = Date.now() + flow.intervalMs;
    return { kind: 'waiting' };
  }
  if (poll.state === 'pending' || poll.state === 'slow_down') {
    if (poll.state === 'slow_down') flow.intervalMs += 5000;
    flow.note = undefined;
    flow.nextPollAt = Date.now() + flow.intervalMs;
    return { kind: 'waiting' };
  }
  endFlow(deps, flow.id);
  if (poll.state !== 'approved') return { kind: 'ended', text: DEVICE_STATE_SENTENCES[poll.state], expired: false };
  return { kind: 'approved', tokens: poll.tokens };
}
