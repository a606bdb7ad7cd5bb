import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildApp } from '../../src/api/app.ts';
import { withCheckDigit } from '../../src/core/demo/huizhou-chains.ts';
import { testDialects } from '../support/stores.ts';
import { demoApp, type TestApp } from '../support/test-app.ts';

// The resolver answers a keyless linkset request by Accept header before Fastify (linksetFastPath in
// src/api/routes/resolver.ts). `inject` never reaches that path, so these requests go over a real socket, and each
// reply must equal the one the Fastify route gives the same request.
const MILK_GTIN = `0${withCheckDigit('697012320001')}`;
const PORK_GTIN = `0${withCheckDigit('697012310001')}`;
const CARTON = `/01/${MILK_GTIN}/21/LY2611060001`;
const PORK_LOT = `/01/${PORK_GTIN}/10/ZR20261103`;
const UNREGISTERED = `/01/0${withCheckDigit('400638133393')}/21/X1`;
const LINKSET = { accept: 'application/linkset+json' };
/** Headers that depend on the moment or the connection, not on the reply. */
const TRANSPORT = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding']);

interface Reply {
  status: number;
  headers: Record<string, unknown>;
  body: string;
}

function overSocket(port: number, method: string, path: string, headers: Record<string, string>): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const comparable = (headers: Record<string, unknown>) => Object.fromEntries(Object.entries(headers).filter(([k]) => !TRANSPORT.has(k)).sort(([a], [b]) => a.localeCompare(b)));

for (const dialect of testDialects()) {
  describe(`linkset fast path on ${dialect}`, () => {
    let t: TestApp;
    let port: number;
    before(async () => {
      ({ t } = await demoApp(dialect));
      await t.app.listen({ host: '127.0.0.1', port: 0 });
      port = (t.app.server.address() as AddressInfo).port;
    });
    after(async () => t?.close());

    /** The request over the socket and through `inject`, with the same Host; both replies. */
    async function both(method: string, path: string, headers: Record<string, string>) {
      const host = `127.0.0.1:${port}`;
      const socket = await overSocket(port, method, path, { ...headers, host });
      const injected = await t.app.inject({ method: method as 'GET', url: path, headers: { ...headers, host } });
      return { socket, route: { status: injected.statusCode, headers: injected.headers as Record<string, unknown>, body: injected.body } };
    }

    const cases: Array<{ name: string; method?: string; path: string; headers: Record<string, string>; fast: boolean; status: number }> = [
      { name: 'a serial by Accept: application/linkset+json', path: CARTON, headers: LINKSET, fast: true, status: 200 },
      { name: 'a serial by Accept: application/json', path: CARTON, headers: { accept: 'application/json' }, fast: true, status: 200 },
      { name: 'a lot', path: PORK_LOT, headers: LINKSET, fast: true, status: 200 },
      { name: 'linkType=all (a query string: the route)', path: `${CARTON}?linkType=all`, headers: {}, fast: false, status: 200 },
      { name: 'a data attribute in the query (the route)', path: `${CARTON}?17=270505`, headers: LINKSET, fast: false, status: 200 },
      { name: 'a code not registered here (the route: 404)', path: UNREGISTERED, headers: LINKSET, fast: false, status: 404 },
      { name: 'a wrong check digit (the route: 400)', path: CARTON.replace(MILK_GTIN, `${MILK_GTIN.slice(0, -1)}${(Number(MILK_GTIN.at(-1)) + 1) % 10}`), headers: LINKSET, fast: false, status: 400 },
      { name: 'a request with a key (the route authenticates it: 401)', path: CARTON, headers: { ...LINKSET, authorization: 'Bearer not-a-key' }, fast: false, status: 401 },
      { name: 'HEAD (the route)', method: 'HEAD', path: CARTON, headers: LINKSET, fast: false, status: 200 },
    ];
    for (const c of cases) {
      test(`${c.name}: ${c.fast ? 'answered before Fastify' : 'left to Fastify'}, the same reply as the route`, async () => {
        const before = t.app.linksetFastPath.served;
        const { socket, route } = await both(c.method ?? 'GET', c.path, c.headers);
        assert.equal(t.app.linksetFastPath.served - before, c.fast ? 1 : 0);
        assert.equal(socket.status, c.status, socket.body);
        assert.equal(route.status, c.status, route.body);
        assert.deepEqual(comparable(socket.headers), comparable(route.headers));
        assert.equal(socket.body, route.body);
        if (c.fast) {
          assert.equal(JSON.parse(socket.body).linkset[0].anchor, `http://127.0.0.1:${port}${c.path}`);
          assert.equal(socket.headers['access-control-allow-origin'], '*');
          assert.match(String(socket.headers.link), /rel="linkset"/);
        }
      });
    }

    test('a Host with bytes beyond ASCII gets the same reply as from the route, and the server stays up', async () => {
      const before = t.app.linksetFastPath.served;
      const host = 'h\u00e4st:8080';
      const odd = await overSocket(port, 'GET', CARTON, { ...LINKSET, host });
      // Over the socket too (inject does not encode headers as a socket does): a query string sends it to the route.
      const route = await overSocket(port, 'GET', `${CARTON}?lang=zh`, { ...LINKSET, host });
      assert.equal(t.app.linksetFastPath.served - before, 1);
      assert.equal(odd.status, 200);
      assert.equal(route.status, 200);
      assert.deepEqual(comparable(odd.headers), comparable(route.headers));
      assert.equal(odd.body, route.body);
      assert.equal((await overSocket(port, 'GET', CARTON, LINKSET)).status, 200);
    });

    test('a product registered after start is read once, then answered from memory: both the same reply', async () => {
      const firm = await t.party();
      const gtin = `0${withCheckDigit('697012399901')}`;
      const made = await t.inject({ method: 'POST', url: '/api/v1/enterprise/products', key: firm.key, payload: { gtin, name: '新登记测试产品', category: 'food' } });
      assert.equal(made.statusCode, 201, made.body);
      const path = `/01/${gtin}/21/NEW1`;
      assert.equal(t.deps.products.keptProductByClassUri(`https://id.gs1.org/01/${gtin}`), undefined, 'not yet read');
      for (const round of ['read from the store', 'kept']) {
        const before = t.app.linksetFastPath.served;
        const { socket, route } = await both('GET', path, LINKSET);
        assert.equal(t.app.linksetFastPath.served - before, 1, round);
        assert.equal(socket.status, 200, `${round}: ${socket.body}`);
        assert.deepEqual(comparable(socket.headers), comparable(route.headers));
        assert.equal(socket.body, route.body);
        assert.equal(JSON.parse(socket.body).linkset[0].itemDescription, '新登记测试产品');
        assert.equal(t.deps.products.keptProductByClassUri(`https://id.gs1.org/01/${gtin}`)?.name, '新登记测试产品', 'kept once read');
      }
    });

    test('a phone asking for the page is left to Fastify, which renders it and records the scan', async () => {
      const before = t.app.linksetFastPath.served;
      const page = await overSocket(port, 'GET', CARTON, { accept: 'text/html', 'user-agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148 Safari/604.1' });
      assert.equal(page.status, 200);
      assert.match(String(page.headers['content-type']), /^text\/html/);
      assert.equal(t.app.linksetFastPath.served, before);
    });
  });
}

for (const dialect of testDialects()) {
  test(`with requests logged (level info), every linkset goes through Fastify and its log on ${dialect}`, async () => {
    const { t } = await demoApp(dialect, { logLevel: 'info' });
    const logged = await buildApp(t.deps, { logger: true });
    try {
      await logged.listen({ host: '127.0.0.1', port: 0 });
      const reply = await overSocket((logged.server.address() as AddressInfo).port, 'GET', CARTON, LINKSET);
      assert.equal(reply.status, 200, reply.body);
      assert.equal(JSON.parse(reply.body).linkset[0].itemDescription, '绿野纯牛奶 250mL');
      assert.equal(logged.linksetFastPath.served, 0);
    } finally {
      await logged.close();
      await t.close();
    }
  });
}
