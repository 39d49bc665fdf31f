import type { Kysely } from 'kysely';

/**
 * A run covers the household person by person: `sync_runs.people` keeps, as JSON, each
 * person's outcome (synced, skipped with the reason, held by the guard), counts and the
 * watched counts the guard compares with next time. The totals stay in their columns.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sync_runs').addColumn('people', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sync_runs').dropColumn('people').execute();
}
