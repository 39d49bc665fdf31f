/** Builds a real service context (temp data dir, real SQLite, migrations) and the app for tests. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/env.js';
import { createContext, type ContextOptions, type ServiceContext } from '../../src/context.js';

export function tempDir(prefix = 'pts-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Collects log lines (already scrubbed) so tests can assert on what was logged. */
export class LogCapture extends Writable {
  lines: string[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    this.lines.push(...String(chunk).split('\n').filter(Boolean));
    cb();
  }
  text(): string {
    return this.lines.join('\n');
  }
}

export interface TestContext extends ServiceContext {
  app: ReturnType<typeof createApp>;
  dataDir: string;
  logs: LogCapture;
}

export async function makeTestContext(env: Record<string, string> = {}, opts: Omit<ContextOptions, 'logFd' | 'logSink'> = {}): Promise<TestContext> {
  const dataDir = tempDir();
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'debug', ...env });
  const logs = new LogCapture();
  const ctx = await createContext(config, { logFd: 2, logSink: logs, loginThrottleMs: 20, ...opts });
  const app = createApp(ctx.deps);
  return {
    ...ctx,
    app,
    dataDir,
    logs,
    async close() {
      await ctx.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
