import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/api/app.ts';
import { loadConfig, type Config } from '../../src/config/load-config.ts';
import { createDeps, type Deps } from '../../src/core/deps.ts';
import { openDatabase, type StoreDialect } from '../../src/storage/open-database.ts';
import { createTestStore, type TestStoreTarget } from './stores.ts';
import { uscc as makeUscc, withCheckDigit } from '../../src/core/demo/huizhou-chains.ts';
import { loadDemo } from '../../src/core/load-demo.ts';
import type { AddSiteInput } from '../../src/core/add-site.ts';
import type { RegisterPartyInput } from '../../src/core/register-party.ts';

export const ADMIN_KEY = 'test-admin-key-0123456789';

/** A built app over a fresh store, with an admin key, and helpers to make parties and keys through the real API. */
export interface TestApp {
  dialect: StoreDialect;
  app: FastifyInstance;
  deps: Deps;
  target: TestStoreTarget;
  close(): Promise<void>;
  /** Registers a party through the admin API and returns its id, uri and a key with the given scopes. */
  party(input?: Partial<PartyInput>, scopes?: string[]): Promise<{ id: string; uri: string; uscc: string; key: string; sites: Array<{ id: string; uri: string }> }>;
  /** `remoteAddress`: the client's address as the socket would give it (127.0.0.1 unless said). */
  inject(opts: { method: string; url: string; key?: string; payload?: unknown; headers?: Record<string, string>; remoteAddress?: string }): Promise<LightMyRequestResponse>;
}

/** What the admin API takes for a party, plus the sites to add to it. */
export type PartyInput = RegisterPartyInput & { sites?: AddSiteInput[] };

let counter = 0;

/** A fresh, valid USCC for tests (unique within the process). */
export function freshUscc(): string {
  counter++;
  const serial = `${process.pid % 1000}${counter}`.padStart(8, '0').slice(-8);
  return makeUscc(`91441300${serial}X`);
}

/** A fresh GLN under a test company prefix. */
export function freshGln(): string {
  counter++;
  return withCheckDigit(`69712${String(counter).padStart(4, '0')}${String(process.pid % 1000).padStart(3, '0')}`);
}

/** Opens a fresh store of the dialect and builds the app over it. */
export async function createTestApp(dialect: StoreDialect, overrides: Partial<Config> = {}): Promise<TestApp> {
  const target = await createTestStore(dialect);
  const config = loadConfig({}, { dataDir: target.dataDir, databaseUrl: target.databaseUrl, adminKey: ADMIN_KEY, ...overrides });
  const store = await openDatabase({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  const deps = createDeps(config, store);
  const app = await buildApp(deps);
  const inject: TestApp['inject'] = ({ method, url, key, payload, headers, remoteAddress }) =>
    app.inject({
      method: method as never,
      url,
      ...(remoteAddress ? { remoteAddress } : {}),
      payload: payload === undefined ? undefined : typeof payload === 'string' ? payload : JSON.stringify(payload),
      headers: {
        ...(payload !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...headers,
      },
    });
  return {
    dialect,
    app,
    deps,
    target,
    inject,
    async close() {
      await app.close();
      await deps.close();
      await target.cleanup();
    },
    async party(input = {}, scopes = ['capture', 'query']) {
      const body = { uscc: freshUscc(), name: '测试企业', kind: 'producer', region: '441302', ...input };
      const { sites, ...partyBody } = body;
      const res = await inject({ method: 'POST', url: '/api/v1/admin/parties', key: ADMIN_KEY, payload: partyBody });
      if (res.statusCode !== 201) throw new Error(`party: ${res.statusCode} ${res.body}`);
      const party = res.json();
      const made: Array<{ id: string; uri: string }> = [];
      for (const s of sites ?? []) {
        const r = await inject({ method: 'POST', url: `/api/v1/admin/parties/${party.id}/sites`, key: ADMIN_KEY, payload: s });
        if (r.statusCode !== 201) throw new Error(`site: ${r.statusCode} ${r.body}`);
        made.push({ id: r.json().id, uri: r.json().uri });
      }
      const k = await inject({ method: 'POST', url: `/api/v1/admin/parties/${party.id}/keys`, key: ADMIN_KEY, payload: { scopes } });
      if (k.statusCode !== 201) throw new Error(`key: ${k.statusCode} ${k.body}`);
      return { id: party.id, uri: party.uri, uscc: party.uscc, key: k.json().key, sites: made };
    },
  };
}

/** Wraps events as an EPCIS 2.0 capture document. */
export function epcisDoc(events: unknown[], context: unknown[] = ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld']) {
  return { '@context': context, type: 'EPCISDocument', schemaVersion: '2.0', creationDate: '2026-11-01T00:00:00Z', epcisBody: { eventList: events } };
}

/** A valid ObjectEvent with the given overrides. */
export function objectEvent(overrides: Record<string, unknown> = {}) {
  return {
    type: 'ObjectEvent',
    eventTime: '2026-11-01T08:00:00+08:00',
    eventTimeZoneOffset: '+08:00',
    action: 'OBSERVE',
    bizStep: 'shipping',
    disposition: 'in_transit',
    epcList: ['urn:epc:id:sgtin:6970123.010001.S1'],
    ...overrides,
  };
}

/** Loads the Huizhou demo (pork and dairy chains) into the app's store; returns the demo firms' keys by name. */
export async function loadDemoKeys(t: TestApp): Promise<Record<string, { key: string; partyId: string }>> {
  const demo = await loadDemo(t.deps, { kind: 'admin', keyId: 'test' });
  return Object.fromEntries(demo.keys.map((k) => [k.name, k]));
}

/** A fresh app with the Huizhou demo loaded, and the demo firms' keys: `before(async () => ({ t, keys } = await demoApp(dialect)))`. */
export async function demoApp(dialect: StoreDialect, overrides: Partial<Config> = {}): Promise<{ t: TestApp; keys: Record<string, { key: string; partyId: string }> }> {
  const t = await createTestApp(dialect, overrides);
  return { t, keys: await loadDemoKeys(t) };
}
