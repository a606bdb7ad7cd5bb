import type { Config } from '../config/load-config.ts';
import { openDatabase } from '../storage/open-database.ts';
import { createDeps, type Deps } from './deps.ts';
import { processIsAlive } from './process-alive.ts';

/**
 * Opens the configured store (migrating it) and wires the use cases' dependencies; close with `deps.close()`. On SQLite
 * it first writes the scans and audit rows that a process killed during a capture left waiting (waiting-writes.ts).
 */
export async function openPlatform(config: Config): Promise<Deps> {
  const store = await openDatabase({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  const deps = createDeps(config, store);
  try {
    deps.scans.recoverAbandoned(processIsAlive);
    deps.audit.recoverAbandoned(processIsAlive);
  } catch (err) {
    await deps.close();
    throw err;
  }
  return deps;
}
