import { afterEach, describe, expect, it } from 'vitest';
import { MetricsRegistry } from '../../src/metrics/registry.js';
import { makeTestContext, type TestContext } from '../helpers/context.js';

let t: TestContext | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe('metrics', () => {
  it('renders counters, gauges and summaries in Prometheus text format', async () => {
    const r = new MetricsRegistry();
    r.counter('pts_webhooks_total', 'Webhooks received').inc({ event: 'media.play', status: 'pending' });
    r.counter('pts_webhooks_total', 'Webhooks received').inc({ event: 'media.play', status: 'pending' }, 2);
    r.gauge('pts_queue_depth', 'Events waiting', () => [[undefined, 4]]);
    r.summary('pts_sync_duration_seconds', 'Run durations').observe(1.5, { status: 'succeeded' });
    const text = await r.render();
    expect(text).toContain('# TYPE pts_webhooks_total counter');
    expect(text).toContain('pts_webhooks_total{event="media.play",status="pending"} 3');
    expect(text).toContain('pts_queue_depth 4');
    expect(text).toContain('pts_sync_duration_seconds_count{status="succeeded"} 1');
  });

  it('serves /metrics without a session', async () => {
    t = await makeTestContext();
    const res = await t.app.request('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
  });
});
