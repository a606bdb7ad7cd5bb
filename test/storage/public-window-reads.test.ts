import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testDialects } from '../support/stores.ts';
import { createTestApp } from '../support/test-app.ts';

// The scan page's notices, blacklist entries and certificates are read by prepared statements with one text whatever
// the subject (src/storage/repositories/notice.repository.ts, certificate.repository.ts): each rule of what concerns
// a page, held on both stores.
for (const dialect of testDialects()) {
  test(`notices, blacklist entries and certificates that concern a scan page on ${dialect}`, async () => {
    const t = await createTestApp(dialect);
    try {
      const firm = await t.party({ name: '页面读取测试企业' });
      const other = await t.party({ name: '其他企业' });
      const reg = await t.party({ kind: 'regulator', department: 'food-drug', regions: ['441300'] } as never);
      const notices = t.deps.notices;
      let n = 0;
      const notice = async (fields: { codes?: string[]; party?: string; category?: string; withdrawn?: boolean }) => {
        const id = `ntc_${dialect}_${++n}`;
        await notices.insertNotice({
          id, regulator_id: reg.id, level: 'info', title: id, body: 'b', category: fields.category ?? null, party_id: fields.party ?? null,
          codes: JSON.stringify(fields.codes ?? []), published_at: `2026-11-0${n}T00:00:00.000Z`, withdrawn_at: fields.withdrawn ? '2026-11-20T00:00:00.000Z' : null,
        }, fields.codes ?? []);
        return id;
      };
      const byCode = await notice({ codes: ['urn:code:A'] });
      const byFirm = await notice({ party: firm.id });
      const lineWide = await notice({ category: 'food' });
      await notice({ category: 'food', codes: ['urn:code:Z'] }); // names codes: not line-wide
      await notice({ codes: ['urn:code:A'], withdrawn: true });
      await notice({ category: 'drug' });
      await notice({ party: other.id });
      const found = await notices.listNoticesConcerning({ codes: ['urn:code:A', 'urn:code:B'], partyIds: [firm.id], category: 'food' });
      assert.deepEqual(found.map((x) => x.id), [lineWide, byFirm, byCode], 'in force, concerning, newest first');
      assert.deepEqual(await notices.listNoticesConcerning({ codes: [], partyIds: [], category: null }), []);
      assert.deepEqual((await notices.listNoticesConcerning({ codes: ['urn:code:A'], partyIds: [], category: null })).map((x) => x.id), [byCode]);

      const entry = (id: string, party: string, fields: { expires?: string; removed?: boolean; listed: string }) =>
        notices.insertBlacklistEntry({ id, party_id: party, regulator_id: reg.id, reason: 'r', listed_at: fields.listed, expires_at: fields.expires ?? null, removed_at: fields.removed ? fields.listed : null });
      await entry(`bl_${dialect}_1`, firm.id, { listed: '2026-01-01T00:00:00.000Z' });
      await entry(`bl_${dialect}_2`, firm.id, { listed: '2026-02-01T00:00:00.000Z', expires: '2026-06-01T00:00:00.000Z' });
      await entry(`bl_${dialect}_3`, firm.id, { listed: '2026-03-01T00:00:00.000Z', removed: true });
      await entry(`bl_${dialect}_4`, firm.id, { listed: '2026-04-01T00:00:00.000Z', expires: '2027-01-01T00:00:00.000Z' });
      await entry(`bl_${dialect}_5`, other.id, { listed: '2026-05-01T00:00:00.000Z' });
      const now = '2026-11-29T00:00:00.000Z';
      const mine = await notices.listBlacklist(now, [firm.id]);
      assert.deepEqual(mine.map((b) => b.id), [`bl_${dialect}_4`, `bl_${dialect}_1`]);
      assert.equal(mine[0]!.party_name, '页面读取测试企业');
      assert.deepEqual((await notices.listBlacklist(now)).map((b) => b.id), [`bl_${dialect}_5`, `bl_${dialect}_4`, `bl_${dialect}_1`]);
      assert.deepEqual(await notices.listBlacklist(now, []), []);

      const made = await t.inject({ method: 'POST', url: '/api/v1/enterprise/products', key: firm.key, payload: { localCode: 'page-read', name: '页面产品', category: 'food' } });
      assert.equal(made.statusCode, 201, made.body);
      const productId = made.json().id as string;
      const cert = (id: string, product: string | null, from: string | null, to: string | null, created: string) =>
        t.deps.certificates.insertCertificate({ id, party_id: firm.id, product_id: product, type: 'green-food', number: id, issuer_party_id: null, issuer_name: 'x', valid_from: from, valid_to: to, url: null, created_at: created });
      await cert('crt_firm', null, null, null, '2026-01-03T00:00:00.000Z');
      await cert('crt_product', productId, '2026-01-01', '2027-01-01', '2026-01-02T00:00:00.000Z');
      await cert('crt_expired', productId, '2020-01-01', '2021-01-01', '2026-01-01T00:00:00.000Z');
      await cert('crt_future', productId, '2027-06-01', null, '2026-01-04T00:00:00.000Z');
      const ids = async (product?: string, on?: string) => (await t.deps.certificates.listCertificatesOf(firm.id, product, on)).map((c) => c.id);
      assert.deepEqual(await ids(productId, '2026-11-29'), ['crt_product', 'crt_firm'], 'valid that day, oldest first');
      assert.deepEqual(await ids(productId), ['crt_expired', 'crt_product', 'crt_firm', 'crt_future']);
      assert.deepEqual(await ids(undefined, '2026-11-29'), ['crt_firm'], "without a product: the firm's own");
    } finally {
      await t.close();
    }
  });
}
