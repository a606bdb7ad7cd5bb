import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { documentContext, eventHashId } from '../../src/domain/epcis/event-hash.ts';
import { leafHash, rootFromLeafHashes, verifyConsistency, verifyInclusion } from '../../src/domain/ledger/merkle.ts';
import { verifyTreeHead } from '../../src/domain/ledger/tree-head.ts';
import { verifyBundle } from '../../src/domain/ledger/verify-bundle.ts';
import { buildApp } from '../../src/api/app.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { openPlatform } from '../../src/core/open-platform.ts';
import { BIN } from '../support/server-process.ts';
import { testDialects } from '../support/stores.ts';
import { ADMIN_KEY, createTestApp, epcisDoc, objectEvent, type TestApp } from '../support/test-app.ts';

const b64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));

for (const dialect of testDialects()) {
  describe(`integrity ledger on ${dialect}`, () => {
    let t: TestApp;
    let firm: Awaited<ReturnType<TestApp['party']>>;
    const leaves: string[] = [];
    const ctx = documentContext([]);

    const captureSome = async (prefix: string, n: number) => {
      const events = Array.from({ length: n }, (_, i) => objectEvent({ epcList: [`urn:epc:id:sgtin:6970123.010001.${prefix}${i}`] }));
      const res = await t.inject({ method: 'POST', url: '/epcis/capture', key: firm.key, payload: epcisDoc(events) });
      assert.equal(res.statusCode, 202, res.body);
      leaves.push(...events.map((e) => eventHashId(e, ctx)));
      return events;
    };
    const head = async () => (await t.inject({ method: 'GET', url: '/api/v1/ledger/tree-head' })).json();

    before(async () => {
      t = await createTestApp(dialect);
      firm = await t.party();
    });
    after(async () => t?.close());

    test('every stored event is a leaf; the signed head commits to exactly those leaves (RFC 9162)', async () => {
      await captureSome('A', 5);
      await captureSome('B', 3);
      // A re-send adds no leaf.
      const dup = await t.inject({ method: 'POST', url: '/epcis/capture', key: firm.key, payload: epcisDoc([objectEvent({ epcList: ['urn:epc:id:sgtin:6970123.010001.A0'] })]) });
      assert.equal(dup.json().storedCount, 0);
      const h = await head();
      assert.equal(h.treeSize, 8);
      assert.ok(verifyTreeHead(h), 'signature verifies');
      assert.match(h.timestamp, /Z$/);
      assert.equal(Buffer.from(b64(h.publicKey)).length, 32);
      assert.deepEqual(b64(h.rootHash), rootFromLeafHashes(leaves.map((l) => leafHash(l))));
    });

    test('inclusion proofs verify for every event, at the current and at an earlier size', async () => {
      const h = await head();
      for (const [i, hashId] of leaves.entries()) {
        const res = await t.inject({ method: 'GET', url: `/api/v1/ledger/proof/inclusion?eventId=${encodeURIComponent(hashId)}` });
        assert.equal(res.statusCode, 200, res.body);
        const p = res.json();
        assert.equal(p.eventHash, hashId);
        assert.equal(p.leafIndex, i);
        assert.ok(verifyInclusion(leafHash(hashId), p.leafIndex, p.treeSize, p.auditPath.map(b64), b64(h.rootHash)), `leaf ${i}`);
      }
      const early = (await t.inject({ method: 'GET', url: `/api/v1/ledger/proof/inclusion?eventId=${encodeURIComponent(leaves[2])}&treeSize=5` })).json();
      assert.ok(verifyInclusion(leafHash(leaves[2]), 2, 5, early.auditPath.map(b64), rootFromLeafHashes(leaves.slice(0, 5).map((l) => leafHash(l)))));
      assert.equal((await t.inject({ method: 'GET', url: '/api/v1/ledger/proof/inclusion?eventId=ni%3A%2F%2F%2Fnope' })).statusCode, 404);
      const tooSmall = await t.inject({ method: 'GET', url: `/api/v1/ledger/proof/inclusion?eventId=${encodeURIComponent(leaves[6])}&treeSize=3` });
      assert.equal(tooSmall.statusCode, 400);
      assert.equal(tooSmall.json().field, 'treeSize');
    });

    test('the tree stays consistent across a restart, and consistency proofs verify', async () => {
      const before = await head();
      // Reopen the same store in a fresh platform and app, as a restarted server would.
      const config = loadConfig({}, { dataDir: t.target.dataDir, databaseUrl: t.target.databaseUrl, adminKey: ADMIN_KEY });
      const deps2 = await openPlatform(config);
      const app2 = await buildApp(deps2);
      try {
        const again = (await app2.inject({ method: 'GET', url: '/api/v1/ledger/tree-head' })).json();
        assert.equal(again.rootHash, before.rootHash);
        assert.equal(again.publicKey, before.publicKey, 'the same key after restart');
        const res = await app2.inject({ method: 'POST', url: '/epcis/capture', headers: { authorization: `Bearer ${firm.key}`, 'content-type': 'application/json' }, payload: JSON.stringify(epcisDoc(Array.from({ length: 6 }, (_, i) => objectEvent({ epcList: [`urn:epc:id:sgtin:6970123.010001.C${i}`] })))) });
        assert.equal(res.statusCode, 202, res.body);
        leaves.push(...Array.from({ length: 6 }, (_, i) => eventHashId(objectEvent({ epcList: [`urn:epc:id:sgtin:6970123.010001.C${i}`] }), ctx)));
        const after = (await app2.inject({ method: 'GET', url: '/api/v1/ledger/tree-head' })).json();
        assert.equal(after.treeSize, 14);
        assert.deepEqual(b64(after.rootHash), rootFromLeafHashes(leaves.map((l) => leafHash(l))));
        for (const first of [1, 3, 8, 13]) {
          const c = (await app2.inject({ method: 'GET', url: `/api/v1/ledger/proof/consistency?first=${first}&second=14` })).json();
          const firstRoot = rootFromLeafHashes(leaves.slice(0, first).map((l) => leafHash(l)));
          assert.ok(verifyConsistency(first, 14, firstRoot, b64(after.rootHash), c.proof.map(b64)), `consistency ${first} → 14`);
        }
        assert.equal((await app2.inject({ method: 'GET', url: '/api/v1/ledger/proof/consistency?first=9&second=99' })).statusCode, 400);
      } finally {
        await app2.close();
        await deps2.close();
      }
    });

    test('a bundle verifies offline; altering a stored event in the database is caught by suyuan verify', async () => {
      const code = 'urn:epc:id:sgtin:6970123.010001.B1';
      const res = await t.inject({ method: 'GET', url: `/api/v1/ledger/bundle?code=${encodeURIComponent(code)}`, key: firm.key });
      assert.equal(res.statusCode, 200, res.body);
      const bundle = res.json();
      assert.equal(bundle.entries.length, 1);
      const good = verifyBundle(bundle, bundle.publicKey);
      assert.ok(good.ok, good.report.join('\n'));
      assert.equal((await t.inject({ method: 'GET', url: `/api/v1/ledger/bundle?code=${encodeURIComponent(code)}` })).statusCode, 401);

      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bundle-'));
      const goodFile = path.join(dir, 'good.json');
      fs.writeFileSync(goodFile, JSON.stringify(bundle));
      const ok = spawnSync(process.execPath, [BIN, 'verify', goodFile, '--public-key', bundle.publicKey], { encoding: 'utf8' });
      assert.equal(ok.status, 0, ok.stdout + ok.stderr);
      assert.match(ok.stdout, /verified: 1 event/);

      // Someone with database access changes the event's epcList behind the platform's back.
      const hashId = bundle.entries[0].eventHash as string;
      const digest = Buffer.from(/sha-256;([0-9a-f]{64})/.exec(hashId)![1], 'hex');
      const row = await t.deps.store.db.selectFrom('event').select(['id', 'body']).where('event_hash', '=', digest).executeTakeFirstOrThrow();
      const altered = JSON.parse(row.body);
      altered.epcList = ['urn:epc:id:sgtin:6970123.010001.FAKE'];
      await t.deps.store.db.updateTable('event').set({ body: JSON.stringify(altered) }).where('id', '=', row.id).execute();
      const tampered = (await t.inject({ method: 'GET', url: `/api/v1/ledger/bundle?code=${encodeURIComponent('urn:epc:id:sgtin:6970123.010001.B1')}`, key: firm.key })).json();
      assert.equal(tampered.entries.length, 1, 'the event is still found by its index');
      const verdict = verifyBundle(tampered, bundle.publicKey);
      assert.equal(verdict.ok, false);
      assert.ok(verdict.report.some((l) => l.startsWith('FAIL') && l.includes('the event was altered')), verdict.report.join('\n'));
      const badFile = path.join(dir, 'bad.json');
      fs.writeFileSync(badFile, JSON.stringify(tampered));
      const bad = spawnSync(process.execPath, [BIN, 'verify', badFile, '--public-key', bundle.publicKey], { encoding: 'utf8' });
      assert.equal(bad.status, 10, bad.stdout + bad.stderr);
      assert.match(bad.stdout, /^FAIL event 0 .*the event was altered/m);
      assert.match(bad.stdout, /NOT VERIFIED/);
      // A head signed by another key is refused when the platform's key is trusted.
      const forged = { ...bundle, treeHead: { ...bundle.treeHead, treeSize: bundle.treeHead.treeSize + 1 } };
      assert.equal(verifyBundle(forged, bundle.publicKey).ok, false);
      // Put the row back so later tests see the original.
      await t.deps.store.db.updateTable('event').set({ body: row.body }).where('id', '=', row.id).execute();
    });
  });
}
