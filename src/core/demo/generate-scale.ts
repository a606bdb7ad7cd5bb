import { DomainError, invalid } from '../../domain/errors.ts';
import { PRODUCT_LINE_IDS, type ProductLineId } from '../../domain/directory/product-directory.ts';
import type { Actor } from '../actor.ts';
import { addSite } from '../add-site.ts';
import { authenticate, requireAdmin } from '../authenticate.ts';
import { captureEvents } from '../capture-events.ts';
import { refreshPlannerStatistics } from '../../storage/planner-statistics.ts';
import type { Deps } from '../deps.ts';
import { issueApiKey } from '../issue-api-key.ts';
import { registerParty } from '../register-party.ts';
import { registerProduct } from '../register-product.ts';
import { ChainState, generateEpisode, LINE_SHARES, SCALE_CONTEXT, type Anomaly } from './scale-chains.ts';
import { buildWorld, DISTRICTS, ROLES, type WorldParty } from './scale-world.ts';

export type { Anomaly } from './scale-chains.ts';

/** Options of {@link generateScaleDemo}. */
export interface ScaleDemoOptions {
  /** How many events to capture (exactly this many are generated). */
  events: number;
  /** PRNG seed: the same events and seed give the same events, event for event (default 1). */
  seed?: number;
  /** Events per capture call for one firm (default 2,000; at most the store's capture limit). */
  batchSize?: number;
  /** Called at most every `progressEveryMs` (default 1,000) and once at the end of each phase. */
  onProgress?: (p: ScaleProgress) => void;
  progressEveryMs?: number;
}

/** Where a run stands. */
export interface ScaleProgress {
  phase: 'parties' | 'products' | 'events' | 'done';
  done: number;
  total: number;
  /** Events per second captured in this run (0 before the events phase). */
  ratePerSecond: number;
  /** Seconds left at the current rate, or null when not known yet. */
  etaSeconds: number | null;
  elapsedMs: number;
}

/** What a run made. */
export interface ScaleDemoResult {
  seed: number;
  requested: number;
  /** Events generated and handed to capture (equal to `requested`). */
  events: number;
  /** Events stored by this run; `skipped` were already held from an interrupted run with the same seed and scale. */
  stored: number;
  skipped: number;
  duplicates: number;
  resumed: boolean;
  parties: number;
  regulators: number;
  products: number;
  /** Parties per GB/T 2260 district or county (441300 is the city level). */
  partiesByRegion: Record<string, number>;
  /** Events per product line, as generated (the line whose chain made them). */
  perLine: Record<ProductLineId, number>;
  eventTypes: Record<string, number>;
  anomalies: Anomaly[];
  captureCalls: number;
  durationMs: number;
  ratePerSecond: number;
  /** A key for every regulator and for the first firm of every role, for trying the consoles and the API. */
  keys: Array<{ key: string; name: string; partyId: string; apiKey: string }>;
}

/** The setting that marks a store as holding a scaled demo, so an interrupted run can resume. */
const MARKER = 'demo.scale';
/** The demo's year: events spread over it. */
const YEAR_START = Date.parse('2026-01-01T00:00:00+08:00');
const SPREAD_DAYS = 330;
/** Events held in memory (as JSON text) across firms before the fullest firm's buffer is sent early. */
const MAX_BUFFERED = 30_000;

/**
 * Builds the scaled, deterministic Huizhou demo (issue 3 §6) into an empty store, through the same use cases the API
 * uses: parties of every role in every district and county and the eight departments' regulators, products from the
 * plan's table, then chains per product line — transformations, aggregations (SSCC cases and pallets), custody
 * hand-overs, sales, dispensing — until exactly `events` events are captured, with a few planted anomalies.
 *
 * Memory stays bounded: episodes are generated one at a time and captured per firm in batches. A run interrupted
 * part-way resumes when started again with the same seed and scale: what the store already holds is skipped.
 * @throws forbidden (not an admin), invalid `bad_number`, conflict `store_not_empty` (a store with other data)
 */
export async function generateScaleDemo(deps: Deps, actor: Actor, options: ScaleDemoOptions): Promise<ScaleDemoResult> {
  requireAdmin(actor);
  const target = options.events;
  const seed = options.seed ?? 1;
  const batchSize = Math.min(options.batchSize ?? 2000, deps.config.captureEventLimit);
  if (!Number.isSafeInteger(target) || target < 1) throw invalid('bad_number', 'events must be a positive whole number', { field: 'events' });
  if (!Number.isSafeInteger(seed) || seed < 0) throw invalid('bad_number', 'seed must be a whole number ≥ 0', { field: 'seed' });
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw invalid('bad_number', 'batchSize must be a positive whole number', { field: 'batchSize' });

  const startedAt = Date.now();
  const everyMs = options.progressEveryMs ?? 1000;
  let lastReport = 0;
  const report = (p: Omit<ScaleProgress, 'elapsedMs'>, force = false) => {
    const now = Date.now();
    if (!options.onProgress || (!force && now - lastReport < everyMs)) return;
    lastReport = now;
    options.onProgress({ ...p, elapsedMs: now - startedAt });
  };

  const marker = JSON.stringify({ seed, events: target });
  const resumed = (await deps.parties.countParties()) > 0;
  if (resumed) {
    const held = await deps.settings.find(MARKER);
    if (held !== marker) {
      throw new DomainError('conflict', 'store_not_empty', held
        ? `This store holds a scaled demo of another seed or scale (${held}); use an empty store.`
        : 'The store already holds parties; the scaled demo needs an empty store.', { field: 'events' });
    }
  } else await deps.settings.put(MARKER, marker);

  const world = buildWorld(seed, target);

  // Parties, sites, keys: registered once; on resume found again by USCC.
  const actors = new Map<string, Actor>();
  const partyIds = new Map<string, string>();
  const keys: ScaleDemoResult['keys'] = [];
  const firstOfRole = new Set<string>();
  for (const [i, p] of world.parties.entries()) {
    const held = resumed ? await deps.parties.findPartyConflict(p.uscc, p.uri, p.gln ?? null) : undefined;
    const id = held?.id ?? (await registerWorldParty(deps, actor, p));
    partyIds.set(p.key, id);
    const scopes = p.kind === 'regulator' ? ['query'] : ['capture', 'query'];
    const key = await issueApiKey(deps, actor, id, { scopes, label: 'demo-scale' });
    actors.set(p.key, await authenticate(deps, key.key));
    if (p.kind === 'regulator' || !firstOfRole.has(p.role)) {
      firstOfRole.add(p.role);
      keys.push({ key: p.key, name: p.name, partyId: id, apiKey: key.key });
    }
    report({ phase: 'parties', done: i + 1, total: world.parties.length, ratePerSecond: 0, etaSeconds: null }, i + 1 === world.parties.length);
  }

  for (const [i, p] of world.products.entries()) {
    if (!(resumed && (await deps.products.findProductByClassUri(p.classUri)))) {
      await registerProduct(deps, actors.get(p.owner)!, {
        ...(p.gtin ? { gtin: p.gtin } : { localCode: p.localCode }), name: p.name, category: p.line, subKind: p.subKind, spec: p.spec,
        ...(p.shelfLifeDays ? { shelfLifeDays: p.shelfLifeDays } : {}),
      });
    }
    report({ phase: 'products', done: i + 1, total: world.products.length, ratePerSecond: 0, etaSeconds: null }, i + 1 === world.products.length);
  }

  // Events: resume skips the capture calls the store already holds (the calls come in the same order every run).
  const alreadyHeld = resumed ? await deps.events.countEvents() : 0;
  const eventsStartedAt = Date.now();
  const buffers = new Map<string, string[]>();
  let buffered = 0;
  let sent = 0;
  let stored = 0;
  let skipped = 0;
  let duplicates = 0;
  let captureCalls = 0;
  const rate = () => {
    const s = (Date.now() - eventsStartedAt) / 1000;
    return s > 0 ? (sent - skipped) / s : 0;
  };
  const progress = (force = false) => {
    const r = rate();
    report({ phase: 'events', done: sent, total: target, ratePerSecond: Math.round(r), etaSeconds: r > 0 ? Math.round((target - sent) / r) : null }, force);
  };
  const flush = async (partyKey: string) => {
    const events = buffers.get(partyKey);
    if (!events?.length) return;
    buffers.delete(partyKey);
    buffered -= events.length;
    if (sent + events.length <= alreadyHeld) {
      sent += events.length;
      skipped += events.length;
      return;
    }
    const envelope = { '@context': SCALE_CONTEXT, type: 'EPCISDocument', schemaVersion: '2.0', creationDate: deps.now().toISOString(), epcisBody: {} };
    const result = await captureEvents(deps, actors.get(partyKey)!, { envelope: () => envelope, context: () => SCALE_CONTEXT, events });
    captureCalls++;
    sent += events.length;
    stored += result.storedCount;
    duplicates += result.duplicates.length;
    progress();
  };

  const perLine = Object.fromEntries(PRODUCT_LINE_IDS.map((l) => [l, 0])) as Record<ProductLineId, number>;
  const episodes = Object.fromEntries(PRODUCT_LINE_IDS.map((l) => [l, 0])) as Record<ProductLineId, number>;
  const eventTypes: Record<string, number> = {};
  const anomalies: Anomaly[] = [];
  const state = new ChainState();
  let generated = 0;
  while (generated < target) {
    // The line furthest below its share goes next, so every line keeps its share at any scale.
    let line: ProductLineId = PRODUCT_LINE_IDS[0];
    for (const l of PRODUCT_LINE_IDS) if (perLine[l] / LINE_SHARES[l] < perLine[line] / LINE_SHARES[line]) line = l;
    const t0 = YEAR_START + Math.floor((generated / target) * SPREAD_DAYS * 86_400_000);
    const emitted = generateEpisode(world, state, line, episodes[line]++, t0);
    for (const em of emitted) {
      if (generated >= target) break;
      generated++;
      perLine[em.line]++;
      const type = String(em.event.type);
      eventTypes[type] = (eventTypes[type] ?? 0) + 1;
      if (em.anomaly) anomalies.push(em.anomaly);
      const buffer = buffers.get(em.by) ?? [];
      if (buffer.length === 0) buffers.set(em.by, buffer);
      buffer.push(JSON.stringify(em.event));
      buffered++;
      if (buffer.length >= batchSize) await flush(em.by);
    }
    while (buffered > MAX_BUFFERED) {
      let fullest = '';
      let size = 0;
      for (const [k, b] of buffers) if (b.length > size) [fullest, size] = [k, b.length];
      await flush(fullest);
    }
  }
  for (const k of [...buffers.keys()]) await flush(k);
  await refreshPlannerStatistics(deps.store);
  progress(true);
  report({ phase: 'done', done: sent, total: target, ratePerSecond: Math.round(rate()), etaSeconds: 0 }, true);

  const partiesByRegion: Record<string, number> = {};
  for (const p of world.parties) partiesByRegion[p.region] = (partiesByRegion[p.region] ?? 0) + 1;
  return {
    seed, requested: target, events: sent, stored, skipped, duplicates, resumed,
    parties: world.parties.length, regulators: world.parties.filter((p) => p.kind === 'regulator').length, products: world.products.length,
    partiesByRegion, perLine, eventTypes, anomalies, captureCalls, durationMs: Date.now() - startedAt, ratePerSecond: Math.round(rate()), keys,
  };
}

async function registerWorldParty(deps: Deps, actor: Actor, p: WorldParty): Promise<string> {
  const party = await registerParty(deps, actor, {
    uscc: p.uscc, name: p.name, kind: p.kind, region: p.region, gln: p.gln, department: p.department, regions: p.regions, licences: p.licences,
  });
  if (p.siteUri) {
    await addSite(deps, actor, party.id, { name: p.siteName, address: p.siteAddress, region: p.region, gln: p.siteGln, localId: p.siteLocalId });
  }
  return party.id;
}

/** The roles and districts the generator covers, for documentation and tests. */
export const SCALE_DEMO_COVERAGE = { roles: ROLES.map((r) => r.id), districts: DISTRICTS.map((d) => d.code) };
