import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HoldingRepository } from '../../src/storage/repositories/holding.repository.ts';
import { testDialects } from '../support/stores.ts';
import { createTestApp } from '../support/test-app.ts';

// A recall of 100,000 units looks up tens of thousands of identifiers at once; SQLite refuses more than 32,766 bound
// variables in one statement, so every such lookup must go in batches.
for (const dialect of testDialects()) {
  test(`lookups by tens of thousands of identifiers work on ${dialect}`, async () => {
    const t = await createTestApp(dialect);
    try {
      const p = await t.party({ sites: [{ localId: 'BIG-1', name: '仓库', address: '惠城区', region: '441302' }] });
      const uris = [...Array.from({ length: 40_000 }, (_, i) => `urn:suyuan:site:${p.uscc}:X${i}`), p.uri, p.sites[0].uri];
      const repo = new HoldingRepository(t.deps.store);
      const owners = await repo.partiesByUris(uris);
      assert.equal(owners.size, 2);
      assert.equal(owners.get(p.sites[0].uri)?.partyId, p.id);
      const byId = await repo.partiesByIds([...Array.from({ length: 40_000 }, (_, i) => `pty_${i}`), p.id]);
      assert.deepEqual([...byId.keys()], [p.id]);
      assert.equal((await t.deps.parties.listSitesByUris(uris)).length, 1);
      assert.equal((await t.deps.products.listProductsByClassUris(uris)).length, 0);
    } finally {
      await t.close();
    }
  });
}
