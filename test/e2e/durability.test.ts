import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
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
  });
}
