import { sql } from 'kysely';
import type { Store } from './open-database.ts';

/**
 * After a bulk load (the scaled demo) brings PostgreSQL's planner statistics up to date. Autovacuum would, but only on
 * its next round, a minute or more later: until then the planner takes the freshly filled tables for near-empty ones,
 * and a recall of 100,000 units read through such plans took ~70 s instead of ~2 s (bench/README, recall-load). SQLite
 * keeps no statistics here: its hot statements steer their own index choice.
 */
export async function refreshPlannerStatistics(store: Store): Promise<void> {
  if (store.dialect === 'postgres') await sql`ANALYZE`.execute(store.db);
}
