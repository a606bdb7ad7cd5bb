import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testDialects } from '../support/stores.ts';
import { ADMIN_KEY, createTestApp } from '../support/test-app.ts';

// Parties, sites and products are kept in memory once found (src/storage/repositories/found-rows.ts); what was not
// found must be found as soon as it is registered.
for (const dialect of testDialects()) {
  test(`parties and sites are found again from memory, and one registered after a miss is found on ${dialect}`, async () => {
    const t = await createTestApp(dialect);
    try {
      const p = await t.party({ name: '惠州记忆测试企业' });
      const late = `urn:suyuan:site:${p.uscc}:LATE-1`;
      const lineage = t.deps.lineage;
      for (let round = 0; round < 2; round++) {
        const names = await lineage.listPartyNames([p.id], [p.uri]);
        assert.deepEqual(names.map((n) => [n.id, n.uri, n.name]), [[p.id, p.uri, '惠州记忆测试企业'], [p.id, p.uri, '惠州记忆测试企业']]);
        assert.equal((await t.deps.parties.findPartyById(p.id))?.name, '惠州记忆测试企业');
      }
      assert.deepEqual(await lineage.listSites([late]), []);
      assert.equal(await t.deps.parties.findPartyById('pty_not_yet'), undefined);

      const r = await t.inject({ method: 'POST', url: `/api/v1/admin/parties/${p.id}/sites`, key: ADMIN_KEY, payload: { localId: 'LATE-1', name: '后建仓库', address: '惠城区', region: '441302' } });
      assert.equal(r.statusCode, 201, r.body);
      const sites = await lineage.listSites([late, late]);
      assert.deepEqual(sites.map((s) => [s.uri, s.name, s.partyId]), [[late, '后建仓库', p.id]]);
    } finally {
      await t.close();
    }
  });
}
