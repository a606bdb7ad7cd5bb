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
      const p = await t.party({ name: '惠州记忆测试企业', region: '441303' });
      const late = `urn:suyuan:site:${p.uscc}:LATE-1`;
      const parties = t.deps.parties;
      for (let round = 0; round < 2; round++) {
        const byId = await parties.listPartiesByIds([p.id, p.id, 'pty_unknown']);
        const byUri = await parties.listPartiesByUris([p.uri]);
        assert.deepEqual([...byId, ...byUri].map((n) => [n.id, n.uri, n.name]), [[p.id, p.uri, '惠州记忆测试企业'], [p.id, p.uri, '惠州记忆测试企业']]);
        assert.equal((await parties.findPartyById(p.id))?.name, '惠州记忆测试企业');
      }
      assert.deepEqual(await parties.listSitesByUris([late]), []);
      assert.deepEqual(await parties.ownersByUris([late]), new Map());
      assert.equal(await t.deps.parties.findPartyById('pty_not_yet'), undefined);

      const r = await t.inject({ method: 'POST', url: `/api/v1/admin/parties/${p.id}/sites`, key: ADMIN_KEY, payload: { localId: 'LATE-1', name: '后建仓库', address: '惠城区', region: '441302' } });
      assert.equal(r.statusCode, 201, r.body);
      const sites = await parties.listSitesByUris([late, late]);
      assert.deepEqual(sites.map((s) => [s.uri, s.name, s.party_id]), [[late, '后建仓库', p.id]]);
      // A site's holder is its party, named with the site's own region.
      assert.deepEqual(await parties.ownersByUris([late, p.uri]), new Map([[p.uri, { partyId: p.id, name: '惠州记忆测试企业', region: '441303' }], [late, { partyId: p.id, name: '惠州记忆测试企业', region: '441302' }]]));
    } finally {
      await t.close();
    }
  });
}
