import fs from 'node:fs';
import path from 'node:path';
import type { Actor } from './actor.ts';
import { addSite } from './add-site.ts';
import { authenticate, requireAdmin } from './authenticate.ts';
import { captureEvents } from './capture-events.ts';
import type { Deps } from './deps.ts';
import { issueApiKey } from './issue-api-key.ts';
import { registerParty } from './register-party.ts';
import { registerProduct } from './register-product.ts';
import { buildDemoDocuments, DEMO_PARTIES, DEMO_PRODUCTS, epcisDocument } from './demo/huizhou-chains.ts';

export interface DemoResult {
  loaded: boolean;
  parties: number;
  events: number;
  keys: Array<{ name: string; partyId: string; key: string }>;
}

/**
 * Loads the Huizhou demo (pork: farm → slaughterhouse → wholesale market → supermarket and school canteen; dairy:
 * dairy farm → dairy plant → distributor → supermarket) into an empty store, through the same use cases the API
 * uses. Keys are written to <dataDir>/demo-keys.json for the operator. Does nothing on a store that has parties.
 */
export async function loadDemo(deps: Deps, actor: Actor, options: { onProgress?: (message: string) => void } = {}): Promise<DemoResult> {
  requireAdmin(actor);
  const progress = options.onProgress ?? (() => undefined);
  if ((await deps.parties.countParties()) > 0) return { loaded: false, parties: 0, events: 0, keys: [] };

  const partyIds = new Map<string, string>();
  const partyUris = new Map<string, string>();
  const siteUris = new Map<string, string>();
  const actors = new Map<string, Actor>();
  const keys: DemoResult['keys'] = [];
  for (const [i, p] of DEMO_PARTIES.entries()) {
    const party = await registerParty(deps, actor, p);
    partyIds.set(p.key, party.id);
    partyUris.set(p.key, party.uri);
    for (const s of p.sites) {
      const site = await addSite(deps, actor, party.id, s);
      siteUris.set(s.key, site.uri);
    }
    const scopes = p.kind === 'regulator' ? ['query'] : ['capture', 'query'];
    const key = await issueApiKey(deps, actor, party.id, { scopes, label: 'demo' });
    keys.push({ name: p.key, partyId: party.id, key: key.key });
    actors.set(p.key, await authenticate(deps, key.key));
    progress(`parties ${i + 1}/${DEMO_PARTIES.length}`);
  }
  for (const p of DEMO_PRODUCTS) {
    await registerProduct(deps, actors.get(p.owner)!, { ...p, owner: undefined } as never);
  }
  progress(`products ${DEMO_PRODUCTS.length}`);
  const documents = buildDemoDocuments((k) => partyUris.get(k)!, (k) => siteUris.get(k)!);
  let events = 0;
  for (const [i, doc] of documents.entries()) {
    const creationDate = String(doc.events.at(-1)!.eventTime);
    const body = epcisDocument(doc.events, new Date(creationDate).toISOString());
    const result = await captureEvents(deps, actors.get(doc.by)!, {
      envelope: () => ({ ...body, epcisBody: {} }),
      context: () => body['@context'],
      events: doc.events,
    });
    events += result.storedCount;
    progress(`documents ${i + 1}/${documents.length} (${events} events)`);
  }
  const keyFile = path.join(deps.config.dataDir, 'demo-keys.json');
  if (deps.store.dialect === 'sqlite') {
    fs.mkdirSync(deps.config.dataDir, { recursive: true });
    fs.writeFileSync(keyFile, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
  }
  return { loaded: true, parties: DEMO_PARTIES.length, events, keys };
}
