import type { Config } from '../config/load-config.ts';
import { openDatabase } from '../storage/open-database.ts';
import { createDeps, type Deps } from './deps.ts';

/** Opens the configured store (migrating it) and wires the use cases' dependencies; close with `deps.close()`. */
export async function openPlatform(config: Config): Promise<Deps> {
  const store = await openDatabase({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  return createDeps(config, store);
}
