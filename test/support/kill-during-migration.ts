/**
 * Run as a child process by test/storage/migrations.test.ts: opens a store whose first migration, once it has made
 * its tables, kills this process with SIGKILL before the migrator can record it — a start killed mid-migration.
 * Arguments: the data folder, and the PostgreSQL URL when the store is PostgreSQL.
 */
import { openDatabase, storeMigrations } from '../../src/storage/open-database.ts';

const [dataDir, databaseUrl] = process.argv.slice(2);
const migrations = storeMigrations(databaseUrl ? 'postgres' : 'sqlite');
const first = Object.keys(migrations).sort()[0]!;
const { up } = migrations[first]!;
migrations[first] = {
  async up(db) {
    await up(db);
    process.kill(process.pid, 'SIGKILL');
    await new Promise(() => {}); // the signal ends the process before the migrator goes on
  },
};
await openDatabase({ dataDir: dataDir!, databaseUrl, migrations });
