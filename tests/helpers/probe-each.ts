/** Tests' history probes answer one row at a time; the ledger asks for a batch. */
import type { LedgerRow } from '../../src/db/tables/ledger.js';
import type { HistoryProbe, PlayCheck } from '../../src/ledger/trakt-history-read.js';

export function probeEach(fn: (row: LedgerRow) => Promise<PlayCheck>): HistoryProbe {
  return async (rows) => {
    const out = new Map<number, PlayCheck>();
    for (const row of rows) out.set(row.id, await fn(row));
    return out;
  };
}
