import { Command, Option } from 'commander';
import { loadConfig, type Config } from '../config/load-config.ts';
import { addSite } from '../core/add-site.ts';
import type { AdminActor } from '../core/actor.ts';
import type { Deps } from '../core/deps.ts';
import { openPlatform } from '../core/open-platform.ts';
import { issueApiKey, listApiKeys, revokeApiKey } from '../core/issue-api-key.ts';
import { listAuditLog } from '../core/list-audit-log.ts';
import { getParty, listParties } from '../core/list-parties.ts';
import { loadDemo } from '../core/load-demo.ts';
import { DEMO_SCAN_UNIT } from '../core/demo/huizhou-chains.ts';
import { pathOfCode } from '../core/public/linkset.ts';
import { registerParty } from '../core/register-party.ts';
import { startServer } from '../api/server.ts';
import { reportError } from './exit-codes.ts';
import { registerVerifyCommand } from './commands/verify.ts';
import { addDemoScaleOptions, runDemoScale } from './commands/demo-scale.ts';
import { registerTraceCommand } from './commands/trace.ts';
import { registerLabelsCommand } from './commands/labels.ts';

/** The operator acting through the CLI on the store directly: an administrator, audited as `cli`. */
const CLI_ADMIN: AdminActor = { kind: 'admin', keyId: 'cli' };

interface StoreOptions {
  data?: string;
  databaseUrl?: string;
}

const program = new Command('suyuan')
  .description('Suyuan 溯源 — important-product traceability platform (GS1 EPCIS 2.0, Digital Link, China codes)')
  .showHelpAfterError();

const dataOption = () => new Option('--data <dir>', 'data folder of the embedded SQLite store (env SUYUAN_DATA, default ./data)');
const dbOption = () => new Option('--database-url <url>', 'PostgreSQL URL instead of SQLite (env DATABASE_URL)');

function configFrom(opts: StoreOptions & { port?: string; host?: string }): Config {
  return loadConfig(process.env, {
    ...(opts.data ? { dataDir: opts.data } : {}),
    ...(opts.databaseUrl ? { databaseUrl: opts.databaseUrl } : {}),
    ...(opts.port !== undefined ? { port: Number(opts.port) } : {}),
    ...(opts.host ? { host: opts.host } : {}),
  });
}

async function withDeps<T>(opts: StoreOptions, fn: (deps: Deps) => Promise<T>): Promise<T> {
  const deps = await openPlatform(configFrom(opts));
  try {
    return await fn(deps);
  } finally {
    await deps.close();
  }
}

function print(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

async function serve(opts: StoreOptions & { port?: string; host?: string }, withDemo: boolean): Promise<void> {
  const config = configFrom(opts);
  const server = await startServer(config, { logger: true });
  const out = (s: string) => process.stdout.write(`${s}\n`);
  out(`Suyuan 溯源 is running on ${server.deps.store.description}`);
  if (server.newAdminKey) {
    out(`\nAdministrator key (shown once, stored only hashed — keep it):\n  ${server.newAdminKey}\n`);
  }
  if (withDemo) {
    const demo = await loadDemo(server.deps, CLI_ADMIN, { onProgress: (msg: string) => out(`  demo: ${msg}`) });
    if (demo.loaded) {
      out('\nDemo data loaded. Demo API keys (also in the data folder as demo-keys.json):');
      for (const k of demo.keys) out(`  ${k.name.padEnd(24)} ${k.key}`);
    } else {
      out('Demo data: the store already holds data; nothing loaded.');
    }
  }
  out(`\n  API          ${server.url}/api/v1`);
  out(`  EPCIS        ${server.url}/epcis`);
  out(`  OpenAPI      ${server.url}/api/v1/openapi.json`);
  out(`  Directory    ${server.url}/api/v1/public/directory`);
  out(`  Public query ${server.url}/   (一站式查询: scan pages, notices, complaints)`);
  if (withDemo) out(`  Scan a demo  ${server.url}${pathOfCode(DEMO_SCAN_UNIT)}`);
  const stop = async () => {
    await server.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

program
  .command('serve')
  .description('start the server on the store as it is (no demo data)')
  .addOption(dataOption())
  .addOption(dbOption())
  .option('--port <n>', 'port (env PORT, default 8080)')
  .option('--host <h>', 'address to listen on (env HOST, default 127.0.0.1)')
  .action((opts) => serve(opts, false));

program
  .command('start')
  .description('start the server and load the Huizhou demo data into an empty store (what `npm start` runs)')
  .addOption(dataOption())
  .addOption(dbOption())
  .option('--port <n>', 'port (env PORT, default 8080)')
  .option('--host <h>', 'address to listen on (env HOST, default 127.0.0.1)')
  .action((opts) => serve(opts, true));

addDemoScaleOptions(
  program
    .command('demo')
    .description('load the Huizhou demo into an empty store: the small pork and dairy chains, or with --scale <events> the eight-line dataset')
    .addOption(dataOption())
    .addOption(dbOption()),
).action((opts) =>
  withDeps(opts, async (deps) => {
    if (opts.scale !== undefined) return void (await runDemoScale(deps, CLI_ADMIN, opts));
    const demo = await loadDemo(deps, CLI_ADMIN, { onProgress: (msg: string) => process.stderr.write(`demo: ${msg}\n`) });
    print(demo);
  }),
);

const admin = program.command('admin').description('administration: parties, sites, API keys, audit log');
const party = admin.command('party').description('parties: firms, labs, regulators');
party
  .command('add')
  .description('register a party')
  .requiredOption('--uscc <code>', '统一社会信用代码')
  .requiredOption('--name <name>', 'name')
  .requiredOption('--kind <kind>', 'farm, producer, slaughterhouse, wholesaler, …, regulator')
  .requiredOption('--region <code>', 'GB/T 2260 region code')
  .option('--gln <gln>', 'party GLN')
  .option('--department <id>', 'for regulators: agriculture, commerce, food-drug, quality, public-security, work-safety, industry-it, customs')
  .option('--regions <codes>', 'for regulators: comma-separated region codes')
  .addOption(dataOption())
  .addOption(dbOption())
  .action((o) =>
    withDeps(o, async (deps) =>
      print(await registerParty(deps, CLI_ADMIN, { uscc: o.uscc, name: o.name, kind: o.kind, region: o.region, gln: o.gln, department: o.department, regions: o.regions?.split(',') })),
    ),
  );
party.command('list').description('list parties').option('--limit <n>', 'how many', '100').addOption(dataOption()).addOption(dbOption())
  .action((o) => withDeps(o, async (deps) => print(await listParties(deps, CLI_ADMIN, Number(o.limit)))));
party.command('show <id>').description('one party with its sites').addOption(dataOption()).addOption(dbOption())
  .action((id, o) => withDeps(o, async (deps) => print(await getParty(deps, CLI_ADMIN, id))));

admin
  .command('site')
  .description('sites of a party')
  .command('add <partyId>')
  .description('add a site')
  .requiredOption('--name <name>', 'name')
  .requiredOption('--region <code>', 'GB/T 2260 region code')
  .option('--address <text>', 'address', '')
  .option('--gln <gln>', 'site GLN')
  .option('--local-id <id>', 'local site id when there is no GLN')
  .addOption(dataOption())
  .addOption(dbOption())
  .action((partyId, o) =>
    withDeps(o, async (deps) => print(await addSite(deps, CLI_ADMIN, partyId, { name: o.name, region: o.region, address: o.address, gln: o.gln, localId: o.localId }))),
  );

const key = admin.command('key').description('API keys');
key.command('issue <partyId>').description('issue a key (the secret is printed once)')
  .option('--scopes <list>', 'comma-separated: capture,query', 'capture,query').option('--label <text>', 'label')
  .addOption(dataOption()).addOption(dbOption())
  .action((partyId, o) => withDeps(o, async (deps) => print(await issueApiKey(deps, CLI_ADMIN, partyId, { scopes: o.scopes.split(','), label: o.label }))));
key.command('revoke <keyId>').description('revoke a key').addOption(dataOption()).addOption(dbOption())
  .action((keyId, o) => withDeps(o, async (deps) => print(await revokeApiKey(deps, CLI_ADMIN, keyId))));
key.command('list <partyId>').description("a party's keys (no secrets)").addOption(dataOption()).addOption(dbOption())
  .action((partyId, o) => withDeps(o, async (deps) => print(await listApiKeys(deps, CLI_ADMIN, partyId))));

admin.command('audit').description('read the audit log, newest first')
  .option('--actor <id>', 'only this actor').option('--action <name>', 'only this action').option('--since <iso>', 'from').option('--limit <n>', 'how many', '50')
  .addOption(dataOption()).addOption(dbOption())
  .action((o) => withDeps(o, async (deps) => print(await listAuditLog(deps, CLI_ADMIN, { actorId: o.actor, action: o.action, since: o.since, limit: Number(o.limit) }))));

registerVerifyCommand(program);
registerTraceCommand(program, withDeps, CLI_ADMIN);
registerLabelsCommand(program, withDeps, CLI_ADMIN);

program.parseAsync(process.argv).catch((err) => {
  process.exitCode = reportError(err);
});
