/**
 * `npm run soak`: the ten-minute soak (SOAK_MINUTES to change it). Prints the figures and
 * exits 1 when something was lost, duplicated, answered 5xx, or the queue did not drain.
 */
import { formatFigures, runSoak } from './soak.js';

const minutes = Number(process.env.SOAK_MINUTES ?? 10);
const log = (l: string) => process.stderr.write(`${l}\n`);
log(`soak: ${minutes} min of webhooks (4/s), syncs every 15 s and page reads...`);
const f = await runSoak({ durationMs: minutes * 60_000, webhooksPerSecond: 4, movies: 1200, shows: 30, episodesPerShow: 20, syncEveryMs: 15_000, readEveryMs: 150, log });
process.stdout.write(`${formatFigures(f)}\n`);
const ok = f.losses === 0 && f.duplicates === 0 && f.http5xx === 0 && f.queueDepthEnd === 0 && f.processed === f.webhooksAcknowledged;
process.stdout.write(ok ? 'soak: OK\n' : 'soak: FAILED\n');
process.exit(ok ? 0 : 1);
