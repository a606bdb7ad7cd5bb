import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { BIN, launcherFlags } from '../support/server-process.ts';
import { createTestStore, testDialects, type TestStoreTarget } from '../support/stores.ts';

// `suyuan trace <code>` (issue 3 §2) on the demo's pork and dairy chains, on every store.

function suyuan(args: string[], target: TestStoreTarget) {
  const store = ['--data', target.dataDir, ...(target.databaseUrl ? ['--database-url', target.databaseUrl] : [])];
  const env = { ...process.env };
  delete env.DATABASE_URL;
  const r = spawnSync(process.execPath, [...launcherFlags(), BIN, ...args, ...store], { encoding: 'utf8', env, timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const PORK_LOT = '(01)06970123100014(10)ZR20261103';
const CARTON = 'https://id.gs1.org/01/06970123200011/21/LY2611060001';

for (const dialect of testDialects()) {
  describe(`suyuan trace on ${dialect}`, () => {
    let target: TestStoreTarget;
    before(async () => {
      target = await createTestStore(dialect);
      const demo = suyuan(['demo'], target);
      assert.equal(demo.code, 0, demo.err);
    });
    after(async () => target?.cleanup());

    test('prints the pork lot back to the farm as a tree: kind, time, responsible party, place', () => {
      const r = suyuan(['trace', PORK_LOT, '--direction', 'back'], target);
      assert.equal(r.code, 0, r.err);
      const lines = r.out.split('\n');
      assert.match(lines[0], /^追溯 Trace \(01\)06970123100014\(10\)ZR20261103 \(back, depth 10\)$/);
      assert.match(lines[1], /^冷鲜猪肉（白条） https:\/\/id\.gs1\.org\/01\/06970123100014\/10\/ZR20261103$/);
      assert.ok(lines.some((l) => /^ {4}· 2026-11-04 12:00Z 零售 sold 412\.5 KGM → 百佳超市下埔店 · 责任主体 惠州市鹏城百佳超市有限公司 · 百佳超市下埔店 \(441302\)$/.test(l)), r.out);
      assert.ok(lines.some((l) => /^ {4}← 加工转化 transformed_into 1580 KGM 2026-11-03 02:00Z · 责任主体 惠州市惠阳区金盛肉联有限公司: 生猪（杜长大三元） urn:suyuan:local:/.test(l)), r.out);
      assert.ok(lines.some((l) => /^ {8}· 2026-11-01 00:00Z 赋码\/生产 commissioned 20 H87 ← 石湾镇生猪养殖基地 · 责任主体 惠州市博罗县绿源生态养殖有限公司/.test(l)), r.out);
    });

    test('--json gives {root, nodes, edges, timeline}; a carton traces through its pallet to the raw milk', () => {
      const r = suyuan(['trace', CARTON, '--json'], target);
      assert.equal(r.code, 0, r.err);
      const t = JSON.parse(r.out);
      assert.equal(t.root.code, CARTON);
      assert.equal(t.direction, 'both');
      const kinds = new Set(t.edges.map((e: { kind: string }) => e.kind));
      for (const k of ['produced', 'in_lot', 'transformed_into', 'packed', 'unpacked', 'shipped', 'received', 'sold', 'commissioned']) assert.ok(kinds.has(k), k);
      assert.ok(t.nodes.some((n: { label?: string }) => n.label === '生鲜乳'));
      assert.ok(t.nodes.some((n: { id: string; type: string }) => n.type === 'unit' && n.id.startsWith('https://id.gs1.org/00/')));
      const times = t.timeline.map((s: { time: string }) => s.time);
      assert.deepEqual(times, [...times].sort());
      // The other cartons on the pallet are not this carton's lineage.
      assert.ok(!t.nodes.some((n: { id: string }) => n.id.endsWith('/21/LY2611060002')));
    });

    test('a bad code: a message naming code and exit code 2', () => {
      const r = suyuan(['trace', '(01)06970123100015(10)X'], target);
      assert.equal(r.code, 2, r.out);
      assert.match(r.err, /^error: invalid_code \[code\]: code: .*check digit/m);
    });
  });
}
