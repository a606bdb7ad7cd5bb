import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { BIN, launcherFlags } from '../support/server-process.ts';
import { createTestStore, testDialects, type TestStoreTarget } from '../support/stores.ts';
import { freshUscc } from '../support/test-app.ts';

function suyuan(args: string[], target?: TestStoreTarget) {
  const store = target ? ['--data', target.dataDir, ...(target.databaseUrl ? ['--database-url', target.databaseUrl] : [])] : [];
  const env = { ...process.env };
  delete env.DATABASE_URL;
  const r = spawnSync(process.execPath, [...launcherFlags(), BIN, ...args, ...store], { encoding: 'utf8', env, timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('suyuan --help lists every command with a description', () => {
  const r = suyuan(['--help']);
  assert.equal(r.code, 0, r.err);
  for (const cmd of ['serve', 'start', 'demo', 'admin']) assert.match(r.out, new RegExp(`^\\s+${cmd}\\b.*\\S{3,}`, 'm'), cmd);
  const admin = suyuan(['admin', '--help']);
  for (const cmd of ['party', 'site', 'key', 'audit']) assert.match(admin.out, new RegExp(`^\\s+${cmd}\\b`, 'm'), cmd);
});

for (const dialect of testDialects()) {
  describe(`CLI on ${dialect}`, () => {
    let target: TestStoreTarget;
    before(async () => {
      target = await createTestStore(dialect);
    });
    after(async () => target?.cleanup());

    test('bad input: a message naming the field and a non-zero exit', () => {
      const good = freshUscc();
      const bad = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
      const r = suyuan(['admin', 'party', 'add', '--uscc', bad, '--name', '测试', '--kind', 'farm', '--region', '441302'], target);
      assert.equal(r.code, 2, r.out);
      assert.match(r.err, /^error: bad_check_character \[uscc\]: .*check character should be /m);
      assert.equal(r.out, '');
      const missing = suyuan(['admin', 'party', 'show', 'pty_NOSUCH'], target);
      assert.equal(missing.code, 5);
      assert.match(missing.err, /party_not_found/);
    });

    test('admin: party, site, key issue and revoke, audit', () => {
      const uscc = freshUscc();
      const party = suyuan(['admin', 'party', 'add', '--uscc', uscc, '--name', '惠州市惠城区某超市', '--kind', 'retailer', '--region', '441302'], target);
      assert.equal(party.code, 0, party.err);
      const { id, uri } = JSON.parse(party.out);
      assert.equal(uri, `urn:suyuan:party:${uscc}`);
      const again = suyuan(['admin', 'party', 'add', '--uscc', uscc, '--name', 'x', '--kind', 'retailer', '--region', '441302'], target);
      assert.equal(again.code, 6);
      const site = suyuan(['admin', 'site', 'add', id, '--name', '下埔店', '--region', '441302', '--local-id', 'XP-01'], target);
      assert.equal(site.code, 0, site.err);
      assert.equal(JSON.parse(site.out).uri, `urn:suyuan:site:${uscc}:XP-01`);
      const key = suyuan(['admin', 'key', 'issue', id, '--scopes', 'query'], target);
      assert.equal(key.code, 0, key.err);
      const issued = JSON.parse(key.out);
      assert.match(issued.key, /^sy_key_/);
      const list = suyuan(['admin', 'key', 'list', id], target);
      assert.ok(!list.out.includes(issued.key));
      const revoke = suyuan(['admin', 'key', 'revoke', issued.id], target);
      assert.equal(revoke.code, 0, revoke.err);
      assert.ok(JSON.parse(revoke.out).revokedAt);
      const audit = suyuan(['admin', 'audit', '--actor', 'cli', '--limit', '100'], target);
      const actions = (JSON.parse(audit.out) as Array<{ action: string }>).map((e) => e.action);
      for (const a of ['party.register', 'site.add', 'api_key.issue', 'api_key.revoke']) assert.ok(actions.includes(a), a);
    });

    test('demo loads the pork and dairy chains once, showing progress', () => {
      const fresh = suyuan(['demo'], target);
      assert.equal(fresh.code, 0, fresh.err);
      // The store already has the party made by the previous test, so the demo declines to load.
      assert.equal(JSON.parse(fresh.out).loaded, false);
    });
  });
}

for (const dialect of testDialects()) {
  test(`demo on an empty ${dialect} store`, async () => {
    const target = await createTestStore(dialect);
    try {
      const r = suyuan(['demo'], target);
      assert.equal(r.code, 0, r.err);
      const result = JSON.parse(r.out);
      assert.equal(result.loaded, true);
      assert.equal(result.events, 23);
      assert.equal(result.keys.length, 12);
      assert.match(r.err, /demo: documents 9\/9 \(23 events\)/);
    } finally {
      await target.cleanup();
    }
  });
}

for (const dialect of testDialects()) {
  test(`demo --scale builds the eight-line dataset through the CLI on ${dialect}, with progress`, async () => {
    const target = await createTestStore(dialect);
    try {
      const r = suyuan(['demo', '--scale', '600', '--seed', '7'], target);
      assert.equal(r.code, 0, r.err);
      assert.match(r.out + r.err, /600/);
      const again = suyuan(['demo', '--scale', '600', '--seed', '8'], target);
      assert.notEqual(again.code, 0, 'a different seed on a used store is refused');
      assert.match(again.err, /store_not_empty/);
    } finally {
      await target.cleanup();
    }
  });
}
