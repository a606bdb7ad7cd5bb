import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '../config/load-config.ts';
import type { Deps } from '../core/deps.ts';
import { openPlatform } from '../core/open-platform.ts';
import { ensureLedgerKey } from '../core/ledger.ts';
import { ensureAdminKey } from '../core/ensure-admin-key.ts';
import { buildApp } from './app.ts';
import { removeAbandonedSpools } from './epcis-document-reader.ts';

export interface RunningServer {
  app: FastifyInstance;
  deps: Deps;
  url: string;
  /** The admin key made on this start (empty store, no SUYUAN_ADMIN_KEY), to be shown once. */
  newAdminKey?: string;
  close(): Promise<void>;
}

/** Opens the store, makes sure an admin key exists, and listens. */
export async function startServer(config: Config = loadConfig(), options: { logger?: boolean } = {}): Promise<RunningServer> {
  const deps = await openPlatform(config);
  const newAdminKey = await ensureAdminKey(deps);
  // The ledger's signing key is made on first start and kept with the data.
  await ensureLedgerKey(deps);
  // A server killed mid-upload leaves its spooled capture body behind (up to 64 MB each).
  await removeAbandonedSpools();
  const app = await buildApp(deps, { logger: options.logger });
  const address = await app.listen({ host: config.host, port: config.port });
  const url = config.publicBaseUrl ?? address.replace('0.0.0.0', '127.0.0.1');
  return {
    app,
    deps,
    url,
    newAdminKey,
    async close() {
      await app.close();
      await deps.close();
    },
  };
}
