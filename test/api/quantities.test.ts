import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { testDialects } from '../support/stores.ts';
import { ADMIN_KEY, createTestApp, demoApp, epcisDoc, type TestApp } from '../support/test-app.ts';
import { kickAnomalyScan, LEAVES_PER_STEP, scanQuantityAnomalies } from '../../src/core/quantity-anomalies.ts';

const PORK_LOT = 'https://id.gs1.org/01/06970123100014/10/ZR20261103';

for (const dialect of testDialects()) {
  describe(`quantities per holder on ${dialect} (demo pork chain)`, () => {
    let t: TestApp;
    let keys: Record<string, { key: string; partyId: string }>;
    before(async () => ({ t, keys } = await demoApp(dialect)));
    after(async () => t?.close());

    /** The market ships pork of the lot (more than it holds, in these tests). */
    const marketShips = async (kg: number, eventTime: string) => {
      const market = (await t.inject({ method: 'GET', url: `/api/v1/admin/parties/${keys.market.partyId}`, key: ADMIN_KEY })).json();
      const event = {
        type: 'ObjectEvent', eventTime, eventTimeZoneOffset: '+08:00', action: 'OBSERVE', bizStep: 'shipping', disposition: 'in_transit',
        quantityList: [{ epcClass: PORK_LOT, quantity: kg, uom: 'KGM' }], readPoint: { id: market.sites[0].uri },
        sourceList: [{ type: 'owning_party', source: market.uri }],
      };
      return t.inject({ method: 'POST', url: '/epcis/capture', key: keys.market.key, payload: epcisDoc([event]) });
    };
    const get = (key: string, code = PORK_LOT) => t.inject({ method: 'GET', url: `/api/v1/quantities?code=${encodeURIComponent(code)}`, key });
    const onHand = (body: { holders: Array<{ partyId: string; balances: Array<{ uom: string; onHand: number }> }> }, partyId: string) =>
      body.holders.find((h) => h.partyId === partyId)?.balances.find((b) => b.uom === 'KGM')?.onHand;

    test('received − shipped − transformed − sold = on hand, for every holder of the lot', async () => {
      const res = await get(ADMIN_KEY);
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json();
      assert.equal(body.unit, PORK_LOT);
      assert.equal(onHand(body, keys.slaughter.partyId), 0, 'produced 1580, shipped 1580');
      assert.equal(onHand(body, keys.market.partyId), 780, 'received 1580, shipped 600 + 200');
      assert.equal(onHand(body, keys.supermarket.partyId), 187.5, 'received 600, sold 412.5');
      assert.equal(onHand(body, keys.canteen.partyId), 200);
      const supermarket = body.holders.find((h: { partyId: string }) => h.partyId === keys.supermarket.partyId).balances[0];
      assert.deepEqual([supermarket.received, supermarket.sold], [600, 412.5]);
      assert.deepEqual(body.anomalies, []);
      // The pig lot was consumed by the slaughter (transformed), in head.
      const pigs = (await get(ADMIN_KEY, (await t.deps.store.db.selectFrom('lineage_edge').select('unit').where('kind', '=', 'consumed').executeTakeFirstOrThrow()).unit)).json();
      const slaughterPigs = pigs.holders.find((h: { partyId: string }) => h.partyId === keys.slaughter.partyId).balances.find((b: { uom: string }) => b.uom === 'H87');
      assert.deepEqual([slaughterPigs.received, slaughterPigs.transformed, slaughterPigs.onHand], [20, 20, 0]);
    });

    test('shipping more than held is flagged to the regulator; the firm sees only its own figures', async () => {
      const market = keys.market;
      const res = await marketShips(900, '2026-11-05T05:00:00+08:00');
      assert.equal(res.statusCode, 202, res.body);
      const regulator = await get(keys['reg-agriculture'].key);
      assert.equal(regulator.statusCode, 200);
      const anomalies = regulator.json().anomalies;
      assert.equal(anomalies.length, 1);
      assert.equal(anomalies[0].holder, market.partyId);
      assert.equal(anomalies[0].kind, 'gave_out_more_than_held');
      assert.deepEqual([anomalies[0].quantity, anomalies[0].onHandBefore, anomalies[0].uom], [900, 780, 'KGM']);
      assert.match(anomalies[0].eventID, /^ni:\/\/\/sha-256;/);
      assert.equal(onHand(regulator.json(), market.partyId), -120);
      const firm = (await get(keys.supermarket.key)).json();
      assert.deepEqual(firm.holders.map((h: { partyId: string }) => h.partyId), [keys.supermarket.partyId]);
      assert.deepEqual(firm.anomalies, []);
      assert.equal((await t.inject({ method: 'GET', url: `/api/v1/quantities?code=${encodeURIComponent(PORK_LOT)}` })).statusCode, 401);
      const bad = await get(ADMIN_KEY, '(01)06970123100013');
      assert.equal(bad.statusCode, 400);
      assert.equal(bad.json().field, 'code');
    });

    test('anomalies are kept in a standing list: each regulator sees those of its lines and regions, a firm its own', async () => {
      // The over-shipment of the test above is in the list, found once however often the scan runs.
      const list = (key: string, query = '') => t.inject({ method: 'GET', url: `/api/v1/anomalies${query}`, key });
      const agriculture = await list(keys['reg-agriculture'].key);
      assert.equal(agriculture.statusCode, 200, agriculture.body);
      const body = agriculture.json();
      assert.equal(body.scan.scannedThrough, body.scan.treeSize, 'the list has caught up with the ledger');
      assert.equal(body.anomalies.length, 1);
      const a = body.anomalies[0];
      assert.deepEqual([a.unit, a.holder.partyId, a.holder.name, a.movement, a.quantity, a.onHandBefore, a.uom, a.category, a.region],
        [PORK_LOT, keys.market.partyId, '惠州市惠城区东江农产品批发市场有限公司', 'shipped', 900, 780, 'KGM', 'farm-produce', '441302']);
      assert.match(a.eventID, /^ni:\/\/\/sha-256;/);
      const again = (await list(keys['reg-agriculture'].key)).json();
      assert.equal(again.anomalies.length, 1, 'scanning again finds nothing new');
      assert.equal(again.scan.found, 0);
      // food-drug does not oversee farm produce; the district regulator of 惠城区 for food neither.
      assert.deepEqual((await list(keys['reg-food-drug'].key)).json().anomalies, []);
      assert.equal((await list(keys.market.key)).json().anomalies.length, 1, 'the market sees its own anomaly');
      assert.deepEqual((await list(keys.supermarket.key)).json().anomalies, []);
      assert.equal((await list(ADMIN_KEY, '?since=2026-11-06T00:00:00Z')).json().anomalies.length, 0);
      assert.equal((await list(ADMIN_KEY, '?since=yesterday')).json().field, 'since');
      assert.equal((await t.inject({ method: 'GET', url: '/api/v1/anomalies' })).statusCode, 401);
    });

    test('a capture schedules the scan in the background, which moves the cursor past the new event and adds only its anomaly', async () => {
      const before = await t.deps.anomalies.progress();
      assert.equal((await marketShips(50, '2026-11-06T05:00:00+08:00')).statusCode, 202);
      // Nobody reads the list: the background scan alone brings it up to date.
      let progress = await t.deps.anomalies.progress();
      for (let i = 0; i < 100 && progress.scannedThrough < progress.treeSize; i++) {
        await new Promise((r) => setTimeout(r, 100));
        progress = await t.deps.anomalies.progress();
      }
      assert.equal(progress.scannedThrough, before.treeSize + 1);
      const rows = await t.deps.store.db.selectFrom('quantity_anomaly').select(['quantity', 'on_hand_before']).orderBy('event_time').execute();
      assert.deepEqual(rows.map((r) => [Number(r.quantity), Number(r.on_hand_before)]), [[900, 780], [50, -120]]);
    });
  });
}

for (const dialect of testDialects()) {
  test(`the anomaly scan lets the event loop turn between its steps on ${dialect}`, async () => {
    const t = await createTestApp(dialect);
    try {
      const maker = await t.party({ name: '积压食品', kind: 'producer', region: '441302' });
      const count = LEAVES_PER_STEP * 2 + 100;
      const events = Array.from({ length: count }, (_, i) => ({
        type: 'ObjectEvent', action: 'ADD', bizStep: 'commissioning', eventTime: '2026-11-01T08:00:00+08:00', eventTimeZoneOffset: '+08:00',
        epcList: [`https://id.gs1.org/01/06970123100014/21/BACKLOG${i}`],
      }));
      const res = await t.inject({ method: 'POST', url: '/epcis/capture', key: maker.key, payload: epcisDoc(events) });
      assert.equal(res.statusCode, 202, res.body);
      // A backlog of three steps, scanned from the start (as after a bulk load; the background scan waits a second).
      await t.deps.store.db.deleteFrom('setting').where('key', '=', 'anomaly.scanned_through').execute();
      let turns = 0;
      let scanning = true;
      const tick = () => {
        turns++;
        if (scanning) setImmediate(tick);
      };
      setImmediate(tick);
      const progress = await scanQuantityAnomalies(t.deps);
      scanning = false;
      assert.equal(progress.scannedThrough, progress.treeSize);
      assert.ok(progress.units >= count, `${progress.units} units`);
      // SQLite's reads resolve without the event loop: only the scan's own yields let the ticks run.
      assert.ok(turns >= 2, `the event loop turned ${turns} times during the scan`);
    } finally {
      await t.close();
    }
  });
}

for (const dialect of testDialects()) {
  test(`a server closing while the background scan runs lets it end its step: nothing fails, and the next scan goes on from there, on ${dialect}`, async () => {
    const t = await createTestApp(dialect);
    try {
      const maker = await t.party({ name: '关停食品', kind: 'producer', region: '441302' });
      const events = Array.from({ length: LEAVES_PER_STEP * 3 }, (_, i) => ({
        type: 'ObjectEvent', action: 'ADD', bizStep: 'commissioning', eventTime: '2026-11-01T08:00:00+08:00', eventTimeZoneOffset: '+08:00',
        epcList: [`https://id.gs1.org/01/06970123100014/21/CLOSING${i}`],
      }));
      assert.equal((await t.inject({ method: 'POST', url: '/epcis/capture', key: maker.key, payload: epcisDoc(events) })).statusCode, 202);
      await t.deps.store.db.deleteFrom('setting').where('key', '=', 'anomaly.scanned_through').execute();
      const failures: unknown[] = [];
      kickAnomalyScan(t.deps, (err) => failures.push(err));
      // What SIGTERM does first: the HTTP server closes (its onClose stops the scan), then the store.
      await t.app.close();
      const stoppedAt = await t.deps.anomalies.progress();
      await new Promise((r) => setTimeout(r, 500));
      assert.deepEqual(await t.deps.anomalies.progress(), stoppedAt, 'once closed, the scan has stopped: the store can close under nothing');
      assert.deepEqual(failures, []);
      assert.ok(stoppedAt.scannedThrough < stoppedAt.treeSize && stoppedAt.scannedThrough % LEAVES_PER_STEP === 0, `stopped after a whole step: ${JSON.stringify(stoppedAt)}`);
      const rest = await scanQuantityAnomalies(t.deps);
      assert.equal(rest.scannedThrough, rest.treeSize);
    } finally {
      await t.close();
    }
  });
}
