import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { StoreDialect } from '../../src/storage/open-database.ts';

/** Where a test store lives: a fresh SQLite folder, or a fresh PostgreSQL database dropped afterwards. */
export interface TestStoreTarget {
  dialect: StoreDialect;
  dataDir: string;
  databaseUrl?: string;
  cleanup(): Promise<void>;
}

/** The stores every storage and API test runs on: SUYUAN_TEST_STORES (default "sqlite,postgres"). */
export function testDialects(): StoreDialect[] {
  const raw = process.env.SUYUAN_TEST_STORES ?? 'sqlite,postgres';
  return raw.split(',').map((s) => s.trim()).filter(Boolean) as StoreDialect[];
}

/** Server URL used to create throwaway databases (TCP, as root: see README). */
export function postgresAdminUrl(): string {
  return process.env.SUYUAN_TEST_PG_URL ?? 'postgres://root@127.0.0.1:5432/postgres';
}

/** Makes an empty store of the given dialect; PostgreSQL unreachable is a failure, never a skip. */
export async function createTestStore(dialect: StoreDialect): Promise<TestStoreTarget> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'suyuan-test-'));
  if (dialect === 'sqlite') {
    return { dialect, dataDir, cleanup: async () => fs.rmSync(dataDir, { recursive: true, force: true }) };
  }
  const name = `suyuan_test_${randomBytes(6).toString('hex')}`;
  const adminUrl = postgresAdminUrl();
  const admin = new pg.Client({ connectionString: adminUrl });
  try {
    await admin.connect();
  } catch (err) {
    throw new Error(`PostgreSQL is not reachable at ${adminUrl} (${(err as Error).message}); start it or set SUYUAN_TEST_STORES=sqlite`);
  }
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    dialect,
    dataDir,
    databaseUrl: url.toString(),
    async cleanup() {
      fs.rmSync(dataDir, { recursive: true, force: true });
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
