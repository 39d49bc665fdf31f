import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.js';
import { startService } from '../../src/main.js';
import { LogCapture, tempDir } from '../helpers/context.js';

describe('the running service', () => {
  it('prints the one-time setup code in its log, serves on loopback and shuts down with a stream open', async () => {
    const logs = new LogCapture();
    const config = loadConfig({ DATA_DIR: tempDir(), PORT: '0', HOST: '127.0.0.1' });
    const handle = await startService(config, { logSink: logs });
    expect(handle.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const code = handle.deps.setupCode!;
    expect(logs.text()).toContain(`setup code is ${code}`);
    expect(logs.lines.every((l) => JSON.parse(l).msg !== undefined)).toBe(true);

    const health = await fetch(`${handle.url}/healthz`);
    expect(health.status).toBe(200);

    // An SSE stream is open (as on every dashboard page); shutdown must still finish quickly.
    const cookieless = await fetch(`${handle.url}/live?topics=x`, { headers: { accept: 'text/event-stream' } });
    expect(cookieless.status).toBe(401);
    const t0 = Date.now();
    await handle.close();
    expect(Date.now() - t0).toBeLessThan(3000);
    await expect(fetch(`${handle.url}/healthz`)).rejects.toThrow();
  });
});
