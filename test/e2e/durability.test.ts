import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createTestStore, testDialects } from '../support/stores.ts';
import { startServerProcess } from '../support/server-process.ts';
import { epcisDoc, freshUscc, objectEvent } from '../support/test-app.ts';

const ADMIN = 'durability-admin-key-000000000001';

async function json(res: Response) {
  const body = await res.json();
  if (!res.ok) throw new Error(`${res.status} ${JSON.stringify(body)}`);
  return body;
}

for (const dialect of testDialects()) {
  describe(`nothing acknowledged is lost on ${dialect}`, () => {
    test('the server is killed with SIGKILL right after 202; after restart every event is there', async () => {
      const target = await createTestStore(dialect);
      let server = await startServerProcess(target, ADMIN);
      try {
        const auth = (key: string) => ({ authorization: `Bearer ${key}`, 'content-type': 'application/json' });
        const party = await json(await fetch(`${server.url}/api/v1/admin/parties`, { method: 'POST', headers: auth(ADMIN), body: JSON.stringify({ uscc: freshUscc(), name: '持久性测试企业', kind: 'producer', region: '441302' }) }));
        const { key } = await json(await fetch(`${server.url}/api/v1/admin/parties/${party.id}/keys`, { method: 'POST', headers: auth(ADMIN), body: JSON.stringify({ scopes: ['capture', 'query'] }) }));
        const events = Array.from({ length: 500 }, (_, i) => objectEvent({ epcList: [`urn:epc:id:sgtin:6970123.010001.K${i}`] }));
        const res = await fetch(`${server.url}/epcis/capture`, { method: 'POST', headers: auth(key), body: JSON.stringify(epcisDoc(events)) });
        // Kill the moment the acknowledgement arrives, before anything else can happen.
        server.child.kill('SIGKILL');
        assert.equal(res.status, 202);
        const { captureID } = await res.json();
        await server.stop();
        assert.equal(server.child.signalCode, 'SIGKILL');

        server = await startServerProcess(target, ADMIN);
        const job = await json(await fetch(`${server.url}/epcis/capture/${captureID}`, { headers: auth(key) }));
        assert.equal(job.success, true);
        assert.equal(job.storedCount, 500);
        let seen = 0;
        let next: string | null = `/epcis/events?perPage=200&MATCH_epc=${encodeURIComponent('urn:epc:idpat:sgtin:6970123.010001.*')}`;
        while (next) {
          const page: Response = await fetch(`${server.url}${next}`, { headers: auth(key) });
          seen += (await json(page)).epcisBody.queryResults.resultsBody.eventList.length;
          next = /<([^>]+)>; rel="next"/.exec(page.headers.get('link') ?? '')?.[1] ?? null;
        }
        assert.equal(seen, 500);
      } finally {
        await server.stop('SIGKILL');
        await target.cleanup();
      }
    });

    test('killed the moment the last scan page is answered, every scan it counted is there after restart', async () => {
      const target = await createTestStore(dialect);
      // Scans wait far longer than the test takes to gather them into one commit, so the kill finds them all waiting.
      const env = { SUYUAN_TRUST_PROXY: '1', SUYUAN_SCAN_GATHER_MS: '60000' };
      let server = await startServerProcess(target, ADMIN, env);
      try {
        const auth = (key: string) => ({ authorization: `Bearer ${key}`, 'content-type': 'application/json' });
        const party = await json(await fetch(`${server.url}/api/v1/admin/parties`, { method: 'POST', headers: auth(ADMIN), body: JSON.stringify({ uscc: freshUscc(), name: '持久性测试企业', kind: 'producer', region: '441302' }) }));
        const { key } = await json(await fetch(`${server.url}/api/v1/admin/parties/${party.id}/keys`, { method: 'POST', headers: auth(ADMIN), body: JSON.stringify({ scopes: ['capture'] }) }));
        const unit = 'https://id.gs1.org/01/06970123000017/21/SCANNED2';
        const made = await fetch(`${server.url}/epcis/capture`, { method: 'POST', headers: auth(key), body: JSON.stringify(epcisDoc([objectEvent({ action: 'ADD', bizStep: 'commissioning', disposition: 'active', epcList: [unit] })])) });
        assert.equal(made.status, 202, await made.text());
        // Scans from twelve phones at once: on SQLite they wait to be written together.
        const counts = await Promise.all(Array.from({ length: 12 }, async (_, phone) => {
          const scan = await json(await fetch(`${server.url}/api/v1/public/scan?code=${encodeURIComponent(unit)}`, {
            headers: { accept: 'application/json', 'user-agent': 'SuyuanApp/1.0', 'x-forwarded-for': `10.1.0.${phone + 1}` },
          }));
          return scan.scans.count as number;
        }));
        if (dialect === 'sqlite') {
          const journal = fs.readdirSync(target.dataDir).find((n) => /-waiting-scans-\d+$/.test(n));
          assert.equal(fs.readFileSync(`${target.dataDir}/${journal}`, 'utf8').trim().split('\n').length, 12, 'all twelve still wait, journalled');
        }
        server.child.kill('SIGKILL');
        await server.stop();
        assert.deepEqual(counts.sort((a, b) => a - b), Array.from({ length: 12 }, (_, i) => i + 1), 'each phone was counted');

        server = await startServerProcess(target, ADMIN, env);
        const standing = await json(await fetch(`${server.url}/api/v1/public/scan?code=${encodeURIComponent(unit)}`, { headers: { accept: 'application/json', 'user-agent': 'Googlebot/2.1' } }));
        assert.equal(standing.scans.count, 12, 'every scan answered before the kill is counted');
      } finally {
        await server.stop('SIGKILL');
        await target.cleanup();
      }
    });

    test('killed during a capture, the scans and audit rows it answered meanwhile are written on the next start', async () => {
      const target = await createTestStore(dialect);
      // Behind a proxy on this host, so that each scan below comes from another phone.
      const env = { SUYUAN_TRUST_PROXY: '1' };
      let server = await startServerProcess(target, ADMIN, env);
      try {
        const auth = (key: string) => ({ authorization: `Bearer ${key}`, 'content-type': 'application/json' });
        const party = await json(await fetch(`${server.url}/api/v1/admin/parties`, { method: 'POST', headers: auth(ADMIN), body: JSON.stringify({ uscc: freshUscc(), name: '持久性测试企业', kind: 'producer', region: '441302' }) }));
        const { key } = await json(await fetch(`${server.url}/api/v1/admin/parties/${party.id}/keys`, { method: 'POST', headers: auth(ADMIN), body: JSON.stringify({ scopes: ['capture', 'query'] }) }));
        const unit = 'https://id.gs1.org/01/06970123000017/21/SCANNED1';
        const made = await fetch(`${server.url}/epcis/capture`, { method: 'POST', headers: auth(key), body: JSON.stringify(epcisDoc([objectEvent({ action: 'ADD', bizStep: 'commissioning', disposition: 'active', epcList: [unit] })])) });
        assert.equal(made.status, 202, await made.text());

        // A large document: the server holds its write transaction for a few seconds while it stores it.
        const big = Array.from({ length: 10_000 }, (_, i) => objectEvent({ epcList: [`urn:epc:id:sgtin:6970123.010001.BIG${i}`, `urn:epc:id:sgtin:6970123.010001.BIGB${i}`] }));
        const capture = fetch(`${server.url}/epcis/capture`, { method: 'POST', headers: auth(key), body: JSON.stringify(epcisDoc(big)) }).catch(() => undefined);
        const journals = () => fs.readdirSync(target.dataDir).filter((n) => /-waiting-(scans|audit)-\d+$/.test(n) && fs.statSync(`${target.dataDir}/${n}`).size > 0);
        let lastCount = 0;
        let queries = 0;
        const deadline = Date.now() + 60_000;
        for (let phone = 1; Date.now() < deadline; phone++) {
          const scan = await json(await fetch(`${server.url}/api/v1/public/scan?code=${encodeURIComponent(unit)}`, {
            headers: { accept: 'application/json', 'user-agent': 'SuyuanApp/1.0', 'x-forwarded-for': `10.0.${phone >> 8}.${phone & 255}` },
          }));
          assert.equal(scan.scans.count, lastCount + 1, 'each phone is counted');
          lastCount = scan.scans.count;
          await json(await fetch(`${server.url}/epcis/events?perPage=1`, { headers: auth(key) }));
          queries++;
          // On SQLite, stop once what was answered waits in the journal; on PostgreSQL it is written at once.
          if (dialect === 'sqlite' ? journals().length === 2 : phone === 5) break;
        }
        if (dialect === 'sqlite') assert.equal(journals().length, 2, 'scans and audit rows waited for the capture');
        server.child.kill('SIGKILL');
        await server.stop();
        await capture;

        server = await startServerProcess(target, ADMIN, env);
        assert.deepEqual(journals(), [], 'the next start wrote what waited and removed the journals');
        const standing = await json(await fetch(`${server.url}/api/v1/public/scan?code=${encodeURIComponent(unit)}`, { headers: { accept: 'application/json', 'user-agent': 'Googlebot/2.1' } }));
        assert.equal(standing.scans.count, lastCount, 'every scan answered before the kill is counted');
        const audited = await json(await fetch(`${server.url}/api/v1/admin/audit?action=epcis.query&actorId=${party.id}&limit=1000`, { headers: auth(ADMIN) }));
        assert.equal(audited.length, queries, 'every query answered before the kill is audited');
      } finally {
        await server.stop('SIGKILL');
        await target.cleanup();
      }
    });
  });
}
