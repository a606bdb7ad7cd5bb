import type { ProductLineId } from '../../domain/directory/product-directory.ts';
import { makeLocalCode, usccCheckChar } from '../../domain/identifiers/index.ts';
import { Rng } from '../../domain/random.ts';
import { FOREIGN_PARTIES, gs1, IMPORTS, seedOf, type World, type WorldParty, type WorldProduct } from './scale-world.ts';

/**
 * The chains of the scaled Huizhou demo (issue 3 §6), one episode at a time: an episode is one lot's (or one
 * equipment round's) whole story, as EPCIS 2.0 events, each attributed to the firm that captures it. Episodes are
 * pure functions of (world, line, episode number, start time), with state only for what must stay consistent
 * across episodes (special-equipment units installed or withdrawn), so a run is reproducible event for event.
 */

type Json = Record<string, unknown>;

/** The deliberate irregularities a run plants, for the regulator views and §3's anomaly checks to find. */
export interface Anomaly {
  kind: 'over_shipment' | 'non_conformant_inspection' | 'sale_after_expiry';
  line: ProductLineId;
  /** The party responsible (its key in the world and its name). */
  partyKey: string;
  partyName: string;
  /** The unit concerned, canonical. */
  code: string;
  eventTime: string;
  description: string;
}

/** One generated event and who captures it. */
export interface Emitted {
  by: string;
  line: ProductLineId;
  event: Json;
  anomaly?: Anomaly;
}

/** Share of the events each product line gets; the scheduler keeps every line at its share as the run grows. */
export const LINE_SHARES: Readonly<Record<ProductLineId, number>> = {
  'farm-produce': 0.28, food: 0.22, drug: 0.15, 'farm-input': 0.08,
  'special-equipment': 0.08, 'dangerous-goods': 0.06, 'rare-earth': 0.05, 'import-export': 0.08,
};

/** Episodes (per line) that carry a planted anomaly: a few, whatever the scale. */
const ANOMALY_EPISODES: Readonly<Record<string, ReadonlySet<number>>> = {
  'over-shipment': new Set([1, 5001, 100_001]),
  'veg-test': new Set([2, 5002, 100_002]),
  'cylinder-test': new Set([1, 5001, 100_001]),
  'expired-sale': new Set([1, 5005, 100_003]),
};

/** The @context the demo documents use: the EPCIS 2.0 context and the `suyuan:` namespace of the ilmd extensions. */
export const SCALE_CONTEXT: unknown[] = ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld', { suyuan: 'https://suyuan.huizhou.gov.cn/epcis/' }];

/** Business steps outside CBV 2.0 (EPCIS allows any URI): gas-cylinder filling, farm-input application. */
export const STEP_FILLING = 'urn:suyuan:bizstep:filling';
export const STEP_APPLYING = 'urn:suyuan:bizstep:applying';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const pad = (n: number, w: number) => String(n).padStart(w, '0');
const b36 = (n: number) => n.toString(36).toUpperCase();

/** `2026-03-04T08:15:00+08:00` for a UTC instant (Huizhou keeps China Standard Time). */
export function localTime(ms: number): string {
  return `${new Date(ms + 8 * HOUR).toISOString().slice(0, 19)}+08:00`;
}
const ymd = (ms: number) => localTime(ms).slice(2, 10).replace(/-/g, '');
const dateOnly = (ms: number) => localTime(ms).slice(0, 10);

const q = (epcClass: string, quantity: number, uom = 'H87') => ({ epcClass, quantity, uom });
const lgtin = (p: WorldProduct, lot: string) => `https://id.gs1.org/01/0${p.gtin}/10/${lot}`;
const sgtin = (p: WorldProduct, serial: string) => `https://id.gs1.org/01/0${p.gtin}/21/${serial}`;

/** State kept across episodes: special-equipment units installed and withdrawn. */
export class ChainState {
  readonly installed = new Set<string>();
  readonly withdrawn = new Set<string>();
}

/** Builds one episode's events; `t` is the running clock of the episode. */
class Episode {
  readonly out: Emitted[] = [];
  t: number;
  constructor(
    readonly w: World,
    readonly rng: Rng,
    readonly line: ProductLineId,
    readonly e: number,
    t0: number,
  ) {
    this.t = t0;
  }

  /** Moves the clock on by about `hours` (±20 %). */
  later(hours: number): this {
    this.t += Math.round(hours * HOUR * (0.8 + 0.4 * this.rng.next()));
    return this;
  }
  role(role: string): WorldParty[] {
    return this.w.byRole.get(role) ?? [];
  }
  /** A party of the role, from the given district seven times in ten when it has one there. */
  pick(role: string, near?: WorldParty): WorldParty {
    const all = this.role(role);
    if (near && this.rng.chance(0.7)) {
      const local = all.filter((p) => p.region === near.region);
      if (local.length) return this.rng.pick(local);
    }
    return this.rng.pick(all);
  }
  product(owner: WorldParty, item: string): WorldProduct {
    const p = this.w.productOf.get(owner.key)?.get(item);
    if (!p) throw new Error(`demo world: ${owner.key} has no product ${item}`);
    return p;
  }
  emit(by: WorldParty, event: Json, anomaly?: Omit<Anomaly, 'eventTime' | 'line' | 'partyKey' | 'partyName'>, party: WorldParty = by): void {
    this.out.push({
      by: by.key, line: this.line, event,
      ...(anomaly ? { anomaly: { ...anomaly, line: this.line, partyKey: party.key, partyName: party.name, eventTime: String(event.eventTime) } } : {}),
    });
  }
  /** An ObjectEvent at `by`'s site (readPoint, and bizLocation unless `bizLocation: null`: goods in transit) at the current time. */
  obj(by: WorldParty, fields: Json, anomaly?: Parameters<Episode['emit']>[2]): void {
    const { bizLocation, ...rest } = fields;
    this.emit(by, {
      type: 'ObjectEvent', eventTime: localTime(this.t), eventTimeZoneOffset: '+08:00', action: 'OBSERVE', ...rest,
      readPoint: { id: by.siteUri }, ...(bizLocation === null ? {} : { bizLocation: { id: by.siteUri } }),
    }, anomaly);
  }
  /** Shipping by `from` and, `transitHours` later, receiving by `to`, both naming the hand-over of ownership. */
  ship(from: WorldParty, to: WorldParty, what: Json, opts: { hours?: number; tx?: Json[]; receive?: string; possess?: boolean; anomaly?: Parameters<Episode['emit']>[2]; sensor?: boolean } = {}): void {
    const type = opts.possess ? 'possessing_party' : 'owning_party';
    const lists = { sourceList: [{ type, source: from.uri }], destinationList: [{ type, destination: to.uri }] };
    const sensor = opts.sensor
      ? { sensorElementList: [{ sensorMetadata: { time: localTime(this.t + HOUR) }, sensorReport: [{ type: 'Temperature', value: this.rng.real(2.5, 5.5), uom: 'CEL' }] }] }
      : {};
    this.obj(from, { bizStep: 'shipping', disposition: 'in_transit', ...what, bizLocation: null, ...lists, ...sensor, ...(opts.tx ? { bizTransactionList: opts.tx } : {}) }, opts.anomaly);
    this.later(opts.hours ?? 4);
    this.obj(to, { bizStep: 'receiving', disposition: opts.receive ?? 'in_progress', ...what, ...lists });
  }
  inspect(by: WorldParty, what: Json, prefix: string, disposition = 'conformant', anomaly?: Parameters<Episode['emit']>[2]): void {
    const n = `${prefix}-${ymd(this.t)}-${pad(this.e % 100_000, 5)}`;
    this.obj(by, { bizStep: 'inspecting', disposition, ...what, bizTransactionList: [{ type: 'testres', bizTransaction: `urn:suyuan:testres:${n}` }] }, anomaly);
  }
  sell(by: WorldParty, what: Json, anomaly?: Parameters<Episode['emit']>[2]): void {
    this.obj(by, { bizStep: 'retail_selling', disposition: 'retail_sold', ...what }, anomaly);
  }
  commission(by: WorldParty, what: Json, ilmd?: Json): void {
    this.obj(by, { action: 'ADD', bizStep: 'commissioning', disposition: 'active', ...what, ...(ilmd ? { ilmd } : {}) });
  }
  transform(by: WorldParty, bizStep: string, body: Json): void {
    this.emit(by, {
      type: 'TransformationEvent', eventTime: localTime(this.t), eventTimeZoneOffset: '+08:00', bizStep, disposition: 'active', ...body,
      readPoint: { id: by.siteUri }, bizLocation: { id: by.siteUri },
    });
  }
  aggregate(by: WorldParty, action: 'ADD' | 'DELETE', parentID: string, childEPCs: string[]): void {
    this.emit(by, {
      type: 'AggregationEvent', eventTime: localTime(this.t), eventTimeZoneOffset: '+08:00', action,
      bizStep: action === 'ADD' ? 'packing' : 'unpacking', disposition: action === 'ADD' ? 'container_closed' : 'container_open',
      parentID, childEPCs, readPoint: { id: by.siteUri },
    });
  }
  /** An SSCC under the party's company prefix: extension digit, prefix, 9-digit serial, check digit. */
  sscc(by: WorldParty, serial: number): string {
    return `https://id.gs1.org/00/${gs1(`${Math.floor(serial / 1e9) % 10}${by.gcp}${pad(serial % 1e9, 9)}`)}`;
  }
  tx(type: string, kind: string, by: WorldParty): Json {
    return { type, bizTransaction: `urn:suyuan:${kind}:${by.gcp || by.uscc.slice(8, 17)}-${ymd(this.t)}-${pad(this.e % 1_000_000, 6)}` };
  }
}

/**
 * The events of episode `e` of `line`, starting at `t0` (ms, UTC). Every lot, serial, SSCC and document number is
 * derived from the episode number, so identifiers never repeat within a run.
 */
export function generateEpisode(w: World, state: ChainState, line: ProductLineId, e: number, t0: number): Emitted[] {
  const ep = new Episode(w, new Rng(seedOf(w.seed, line, e)), line, e, t0 + Math.floor(new Rng(seedOf(w.seed, 't', line, e)).next() * 12 * HOUR));
  switch (line) {
    case 'farm-produce': {
      const sub = e % 5;
      if (sub < 2) meatChain(ep);
      else if (sub < 4) vegetableChain(ep);
      else herbChain(ep);
      break;
    }
    case 'food': packagedFoodChain(ep, (['milk-uht', 'milk-fresh', 'rice', 'formula', 'peanut-oil', 'rice-cereal'] as const)[e % 6]!); break;
    case 'drug': if (e % 5 === 4) decoctionChain(ep); else drugChain(ep); break;
    case 'farm-input': farmInputChain(ep); break;
    case 'special-equipment': if (e % 4 === 3) elevatorRound(ep, state); else cylinderRound(ep, state); break;
    case 'dangerous-goods': (e % 3 === 0 ? explosivesChain : e % 3 === 1 ? chemicalsChain : fireworksChain)(ep); break;
    case 'rare-earth': rareEarthChain(ep); break;
    case 'import-export': importChain(ep); break;
  }
  return ep.out;
}

/** Pork: farm → designated slaughterhouse (killing: pigs → carcass kg) → wholesale market → retail, canteens. */
function meatChain(ep: Episode): void {
  const { rng, e } = ep;
  const farm = ep.pick('pig-farm');
  const house = ep.pick('slaughterhouse', farm);
  const market = ep.pick('wholesale-market', house);
  const heads = rng.int(20, 60);
  const pigLot = makeLocalCode({ issuerUscc: farm.uscc, category: 'pig', code: `P${ymd(ep.t)}${b36(e)}` });
  ep.commission(farm, { quantityList: [q(pigLot, heads)] });
  ep.later(24 * rng.int(1, 5));
  ep.ship(farm, house, { quantityList: [q(pigLot, heads)] }, { hours: 3, tx: [ep.tx('cert', 'cert:quarantine', farm)] });
  ep.later(2);
  const pork = ep.product(house, 'pork');
  const lot = `ZR${ymd(ep.t)}${b36(e)}`;
  const kg = Math.round(heads * rng.real(74, 82) * 10) / 10;
  const porkLot = lgtin(pork, lot);
  ep.transform(house, 'killing', { inputQuantityList: [q(pigLot, heads)], outputQuantityList: [q(porkLot, kg, 'KGM')], ilmd: { 'cbvmda:itemExpirationDate': dateOnly(ep.t + 7 * DAY), 'cbvmda:lotNumber': lot } });
  ep.later(1);
  ep.inspect(house, { quantityList: [q(porkLot, kg, 'KGM')] }, 'PZJY');
  ep.later(4);
  ep.ship(house, market, { quantityList: [q(porkLot, kg, 'KGM')] }, { hours: 3, tx: [ep.tx('desadv', 'desadv', house)] });
  ep.later(0.5);
  ep.inspect(market, { quantityList: [q(porkLot, kg, 'KGM')] }, 'KJ');
  // An over-shipment: the market ships out more than it received (issue 3 §3 flags it).
  const over = ANOMALY_EPISODES['over-shipment']!.has(e);
  const buyers = rng.int(2, 4);
  let left = Math.round(kg * (over ? 1.18 : rng.real(0.8, 0.95)) * 10) / 10;
  for (let i = 0; i < buyers; i++) {
    const buyer = ep.pick(rng.pick(['supermarket', 'farmers-market', 'canteen']), market);
    const portion = i === buyers - 1 ? left : Math.round((left / (buyers - i)) * rng.real(0.8, 1.2) * 10) / 10;
    left = Math.round((left - portion) * 10) / 10;
    ep.later(1);
    const anomaly = over && i === buyers - 1
      ? { kind: 'over_shipment' as const, code: porkLot, description: `${market.name} shipped ${Math.round(kg * 1.18 * 10) / 10} kg of pork lot ${lot} but received ${kg} kg` }
      : undefined;
    ep.ship(market, buyer, { quantityList: [q(porkLot, portion, 'KGM')] }, { hours: 1.5, receive: buyer.kind === 'canteen' ? 'in_progress' : 'sellable_accessible', anomaly });
    if (buyer.kind === 'canteen') ep.inspect(buyer, { quantityList: [q(porkLot, portion, 'KGM')] }, 'YS');
    else {
      ep.later(10);
      ep.sell(buyer, { quantityList: [q(porkLot, Math.round(portion * rng.real(0.5, 0.9) * 10) / 10, 'KGM')] });
    }
  }
}

/** Vegetables: base → packing centre (pesticide-residue quick test, repacking into bags) → wholesale market → retail. */
function vegetableChain(ep: Episode): void {
  const { rng, e } = ep;
  const base = ep.pick('veg-base');
  const packer = ep.pick('veg-packer', base);
  const market = ep.pick('wholesale-market', packer);
  const kg = rng.int(800, 3000);
  const vegLot = makeLocalCode({ issuerUscc: base.uscc, category: 'produce', code: `V${ymd(ep.t)}${b36(e)}` });
  ep.commission(base, { quantityList: [q(vegLot, kg, 'KGM')] });
  ep.later(3);
  ep.ship(base, packer, { quantityList: [q(vegLot, kg, 'KGM')] }, { hours: 2 });
  ep.later(1);
  if (ANOMALY_EPISODES['veg-test']!.has(e)) {
    ep.inspect(packer, { quantityList: [q(vegLot, kg, 'KGM')] }, 'NC', 'non_conformant', {
      kind: 'non_conformant_inspection', code: vegLot, description: `pesticide residue (chlorpyrifos) over the GB 2763 limit in vegetable lot from ${base.name}`,
    });
    ep.later(2);
    ep.obj(packer, { bizStep: 'destroying', disposition: 'destroyed', quantityList: [q(vegLot, kg, 'KGM')] });
    return;
  }
  ep.inspect(packer, { quantityList: [q(vegLot, kg, 'KGM')] }, 'NC');
  ep.later(3);
  const bagged = ep.product(packer, 'veg-pack');
  const lot = `JC${ymd(ep.t)}${b36(e)}`;
  const bags = Math.floor((kg * 0.9) / 0.5);
  const bagLot = lgtin(bagged, lot);
  ep.transform(packer, 'repackaging', { inputQuantityList: [q(vegLot, kg, 'KGM')], outputQuantityList: [q(bagLot, bags)], ilmd: { 'cbvmda:itemExpirationDate': dateOnly(ep.t + 4 * DAY), 'cbvmda:lotNumber': lot } });
  ep.later(2);
  ep.ship(packer, market, { quantityList: [q(bagLot, bags)] }, { hours: 2 });
  let left = Math.floor(bags * rng.real(0.85, 0.98));
  const buyers = rng.int(2, 3);
  for (let i = 0; i < buyers; i++) {
    const buyer = ep.pick(rng.pick(['supermarket', 'farmers-market', 'canteen']), market);
    const portion = i === buyers - 1 ? left : Math.floor(left / (buyers - i));
    left -= portion;
    ep.later(1);
    ep.ship(market, buyer, { quantityList: [q(bagLot, portion)] }, { hours: 1.5 });
    if (buyer.kind !== 'canteen') {
      ep.later(8);
      ep.sell(buyer, { quantityList: [q(bagLot, Math.floor(portion * rng.real(0.6, 0.95)))] });
    }
  }
}

/** Chinese medicinal herbs: base (harvest) → primary processing (drying: fresh kg → dried bags) → market → pharmacies. */
function herbChain(ep: Episode): void {
  const { rng, e } = ep;
  const base = ep.pick('herb-base');
  const proc = ep.pick('herb-processor');
  const market = ep.pick('wholesale-market', proc);
  const kg = rng.int(300, 1200);
  const fresh = makeLocalCode({ issuerUscc: base.uscc, category: 'herb', code: `H${ymd(ep.t)}${b36(e)}` });
  ep.commission(base, { quantityList: [q(fresh, kg, 'KGM')] });
  ep.later(6);
  ep.ship(base, proc, { quantityList: [q(fresh, kg, 'KGM')] }, { hours: 3 });
  ep.later(72);
  const dried = ep.product(proc, 'herb-dried');
  const lot = `GHX${ymd(ep.t)}${b36(e)}`;
  const bags = Math.floor(kg * 0.22);
  const driedLot = lgtin(dried, lot);
  ep.transform(proc, 'commissioning', { inputQuantityList: [q(fresh, kg, 'KGM')], outputQuantityList: [q(driedLot, bags)], ilmd: { 'cbvmda:itemExpirationDate': dateOnly(ep.t + 720 * DAY), 'cbvmda:lotNumber': lot } });
  ep.later(4);
  ep.inspect(proc, { quantityList: [q(driedLot, bags)] }, 'ZYC');
  ep.later(24);
  ep.ship(proc, market, { quantityList: [q(driedLot, bags)] }, { hours: 4 });
  let left = Math.floor(bags * 0.9);
  for (let i = 0; i < 2; i++) {
    const shop = ep.pick('pharmacy', market);
    const portion = i === 1 ? left : Math.floor(left / 2);
    left -= portion;
    ep.later(24);
    ep.ship(market, shop, { quantityList: [q(driedLot, portion)] }, { hours: 3, receive: 'sellable_accessible' });
    ep.later(48);
    ep.sell(shop, { quantityList: [q(driedLot, Math.max(1, Math.floor(portion * rng.real(0.2, 0.6))))] });
  }
}

const FOOD: Readonly<Record<string, { raw: string; rawItem: string; plant: string; rawKgPerUnit: number; perCase: number; code: string; sensor: boolean }>> = {
  'milk-uht': { raw: 'dairy-farm', rawItem: 'raw-milk', plant: 'dairy-plant', rawKgPerUnit: 0.26, perCase: 24, code: 'M', sensor: true },
  'milk-fresh': { raw: 'dairy-farm', rawItem: 'raw-milk', plant: 'dairy-plant', rawKgPerUnit: 0.98, perCase: 12, code: 'F', sensor: true },
  formula: { raw: 'dairy-farm', rawItem: 'raw-milk', plant: 'formula-plant', rawKgPerUnit: 6.5, perCase: 6, code: 'N', sensor: true },
  'rice-cereal': { raw: 'grain-coop', rawItem: 'paddy', plant: 'formula-plant', rawKgPerUnit: 0.4, perCase: 12, code: 'C', sensor: false },
  rice: { raw: 'grain-coop', rawItem: 'paddy', plant: 'rice-mill', rawKgPerUnit: 7.2, perCase: 4, code: 'R', sensor: false },
  'peanut-oil': { raw: 'oil-crop', rawItem: 'peanut', plant: 'oil-mill', rawKgPerUnit: 11, perCase: 4, code: 'O', sensor: false },
};

/**
 * Packaged food: raw material (raw milk, paddy, peanuts) → plant (transformation into serialised units of a lot) →
 * cases (SSCC) → pallets (SSCC) → distributor (unpacks) → supermarkets and canteens (receive, unpack, sell).
 */
function packagedFoodChain(ep: Episode, item: string): void {
  const { rng, e } = ep;
  const spec = FOOD[item]!;
  const plant = ep.pick(spec.plant);
  const supplier = ep.pick(spec.raw, plant);
  const dist = ep.pick('food-distributor', plant);
  const product = ep.product(plant, item);
  const pallets = rng.int(1, 2);
  const casesPerPallet = rng.int(2, 4);
  const units = pallets * casesPerPallet * spec.perCase;
  const rawKg = Math.round(units * spec.rawKgPerUnit * rng.real(1.0, 1.05) * 10) / 10;
  const rawProduct = ep.product(supplier, spec.rawItem);
  const rawLot = makeLocalCode({ issuerUscc: supplier.uscc, category: rawProduct.localCode!, code: `${spec.code}${ymd(ep.t)}${b36(e)}` });
  ep.commission(supplier, { quantityList: [q(rawLot, rawKg, 'KGM')] });
  ep.later(2);
  ep.ship(supplier, plant, { quantityList: [q(rawLot, rawKg, 'KGM')] }, { hours: 2, sensor: spec.sensor });
  ep.later(3);
  const lot = `${spec.code}${ymd(ep.t)}${b36(e)}`;
  const lotUri = lgtin(product, lot);
  const serials = Array.from({ length: units }, (_, j) => sgtin(product, `${lot}${pad(j + 1, 4)}`));
  const expiryMs = ep.t + (product.shelfLifeDays ?? 180) * DAY;
  ep.transform(plant, 'commissioning', {
    inputQuantityList: [q(rawLot, rawKg, 'KGM')], outputEPCList: serials, outputQuantityList: [q(lotUri, units)],
    ilmd: { 'cbvmda:itemExpirationDate': dateOnly(expiryMs), 'cbvmda:lotNumber': lot },
  });
  ep.later(2);
  ep.inspect(plant, { quantityList: [q(lotUri, units)] }, 'CC');
  ep.later(1);
  const cases: string[][] = [];
  const caseIds: string[] = [];
  const palletIds: string[] = [];
  let serial = e * 64;
  for (let p = 0; p < pallets; p++) {
    const palletCases: string[] = [];
    for (let c = 0; c < casesPerPallet; c++) {
      const start = (p * casesPerPallet + c) * spec.perCase;
      const caseId = ep.sscc(plant, serial++);
      ep.aggregate(plant, 'ADD', caseId, serials.slice(start, start + spec.perCase));
      palletCases.push(caseId);
      caseIds.push(caseId);
      cases.push(serials.slice(start, start + spec.perCase));
    }
    const pallet = ep.sscc(plant, serial++);
    ep.aggregate(plant, 'ADD', pallet, palletCases);
    palletIds.push(pallet);
    ep.later(0.3);
  }
  ep.later(8);
  ep.ship(plant, dist, { epcList: palletIds, quantityList: [q(lotUri, units)] }, { hours: 5, sensor: spec.sensor, tx: [ep.tx('desadv', 'desadv', plant)] });
  ep.later(2);
  for (const [p, pallet] of palletIds.entries()) ep.aggregate(dist, 'DELETE', pallet, caseIds.slice(p * casesPerPallet, (p + 1) * casesPerPallet));
  // The distributor sends cases on; the planted anomaly sells a short-shelf-life product after its expiry date.
  const expiredSale = item === 'milk-fresh' && ANOMALY_EPISODES['expired-sale']!.has(e);
  const outlets = Math.min(caseIds.length, rng.int(2, 3));
  for (let o = 0; o < outlets; o++) {
    const buyer = ep.pick(rng.chance(0.75) ? 'supermarket' : 'canteen', dist);
    const mine = caseIds.filter((_, i) => i % outlets === o);
    ep.later(6);
    ep.ship(dist, buyer, { epcList: mine, quantityList: [q(lotUri, mine.length * spec.perCase)] }, { hours: 3, receive: buyer.kind === 'canteen' ? 'in_progress' : 'sellable_accessible', sensor: spec.sensor });
    const first = caseIds.indexOf(mine[0]!);
    ep.later(1);
    ep.aggregate(buyer, 'DELETE', mine[0]!, cases[first]!);
    if (buyer.kind === 'canteen') {
      ep.inspect(buyer, { epcList: cases[first]!.slice(0, 2) }, 'YS');
      continue;
    }
    const sales = rng.int(1, Math.min(3, spec.perCase / 2));
    for (let s = 0; s < sales; s++) {
      ep.later(rng.int(3, 20));
      const sold = cases[first]!.slice(s * 2, s * 2 + rng.int(1, 2));
      if (expiredSale && o === 0 && s === 0) {
        ep.t = Math.max(ep.t, expiryMs + 2 * DAY);
        ep.sell(buyer, { epcList: sold }, { kind: 'sale_after_expiry', code: sold[0]!, description: `${product.name} lot ${lot} (expired ${dateOnly(expiryMs)}) sold at ${buyer.name}` });
      } else ep.sell(buyer, { epcList: sold });
    }
  }
}

/** A 20-digit drug traceability code: 7-digit product code, 9-digit serial, 4 check digits (form only; see docs). */
function drugCode(maker: WorldParty, itemIndex: number, serial: number): string {
  const body = `86${maker.gcp.slice(3)}${itemIndex}${pad(serial % 1e9, 9)}`;
  return `urn:suyuan:drug:${body}${pad(seedOf(body) % 10_000, 4)}`;
}

/**
 * Drug preparations: API lot → maker (transformation into serialised packs, each a drug traceability code) → cases
 * (SSCC) → wholesaler → hospitals and pharmacies → dispensing pack by pack. Shipments also carry the lot quantity.
 */
function drugChain(ep: Episode): void {
  const { rng, e } = ep;
  const apiMaker = ep.pick('api-maker');
  const maker = ep.pick('pharma-maker');
  const wholesaler = ep.pick('drug-wholesaler', maker);
  const api = ep.product(apiMaker, 'api');
  const apiLot = lgtin(api, `API${ymd(ep.t)}${b36(e)}`);
  const apiKg = rng.int(2, 8) * 25;
  ep.commission(apiMaker, { quantityList: [q(apiLot, apiKg, 'KGM')] }, { 'cbvmda:itemExpirationDate': dateOnly(ep.t + 1095 * DAY), 'cbvmda:lotNumber': apiLot.split('/').pop() });
  ep.later(24);
  ep.ship(apiMaker, maker, { quantityList: [q(apiLot, apiKg, 'KGM')] }, { hours: 6, tx: [ep.tx('desadv', 'desadv', apiMaker)] });
  ep.later(48);
  const itemIndex = e % 2;
  const product = ep.product(maker, itemIndex === 0 ? 'tablet' : 'granule');
  const lot = `${ymd(ep.t)}${b36(e)}`;
  const lotUri = lgtin(product, lot);
  const cases = rng.int(4, 6);
  const perCase = 10;
  const codes = Array.from({ length: cases * perCase }, (_, j) => drugCode(maker, itemIndex, e * 100 + j));
  const expiry = dateOnly(ep.t + 730 * DAY);
  ep.transform(maker, 'commissioning', {
    inputQuantityList: [q(apiLot, Math.round(apiKg * rng.real(0.2, 0.4) * 10) / 10, 'KGM')], outputEPCList: codes, outputQuantityList: [q(lotUri, codes.length)],
    ilmd: { 'cbvmda:itemExpirationDate': expiry, 'cbvmda:lotNumber': lot },
  });
  ep.later(2);
  const caseIds: string[] = [];
  for (let c = 0; c < cases; c++) {
    const id = ep.sscc(maker, e * 8 + c);
    ep.aggregate(maker, 'ADD', id, codes.slice(c * perCase, (c + 1) * perCase));
    caseIds.push(id);
  }
  ep.later(24);
  ep.ship(maker, wholesaler, { epcList: caseIds, quantityList: [q(lotUri, codes.length)] }, { hours: 5, tx: [ep.tx('desadv', 'desadv', maker)] });
  const outlets = [ep.pick('hospital', wholesaler), ep.pick('pharmacy', wholesaler)];
  for (const [o, outlet] of outlets.entries()) {
    const mine = caseIds.filter((_, i) => i % 2 === o);
    ep.later(24);
    ep.ship(wholesaler, outlet, { epcList: mine, quantityList: [q(lotUri, mine.length * perCase)] }, { hours: 4 });
    const c = caseIds.indexOf(mine[0]!);
    const packs = codes.slice(c * perCase, (c + 1) * perCase);
    ep.later(2);
    ep.aggregate(outlet, 'DELETE', mine[0]!, packs);
    const n = rng.int(2, 4);
    for (let i = 0; i < n; i++) {
      ep.later(rng.int(4, 30));
      ep.obj(outlet, { bizStep: 'dispensing', disposition: 'dispensed', epcList: [packs[i]!], quantityList: [q(lotUri, 1)] });
    }
  }
}

/** Decoction pieces: maker (lot in kg) → hospitals and pharmacies → dispensing by weight. */
function decoctionChain(ep: Episode): void {
  const { rng, e } = ep;
  const maker = ep.pick('tcm-maker');
  const product = ep.product(maker, 'decoction');
  const lot = `YP${ymd(ep.t)}${b36(e)}`;
  const lotUri = lgtin(product, lot);
  const kg = rng.int(50, 200);
  ep.commission(maker, { quantityList: [q(lotUri, kg, 'KGM')] }, { 'cbvmda:itemExpirationDate': dateOnly(ep.t + 540 * DAY), 'cbvmda:lotNumber': lot });
  ep.later(4);
  ep.inspect(maker, { quantityList: [q(lotUri, kg, 'KGM')] }, 'YPJY');
  for (const role of ['hospital', 'pharmacy']) {
    const outlet = ep.pick(role, maker);
    const portion = Math.round(kg * 0.4 * 10) / 10;
    ep.later(24);
    ep.ship(maker, outlet, { quantityList: [q(lotUri, portion, 'KGM')] }, { hours: 5 });
    for (let i = 0; i < 2; i++) {
      ep.later(rng.int(6, 48));
      ep.obj(outlet, { bizStep: 'dispensing', disposition: 'dispensed', quantityList: [q(lotUri, rng.real(0.1, 0.6, 2), 'KGM')] });
    }
  }
}

/** The fireworks maker in 浏阳 (Hunan) the wholesalers buy from: outside the platform, named only by its USCC. */
const LIUYANG_MAKER_USCC = `91430181MA4L0YH0X${usccCheckChar('91430181MA4L0YH0X')}`;

const INPUT_ITEMS = ['pesticide', 'feed', 'fertiliser', 'seed', 'vet-drug'] as const;

/** Farm inputs: maker lot → dealer → real-name sale (buyer named in destinationList) to farms → receiving and use. */
function farmInputChain(ep: Episode): void {
  const { rng, e } = ep;
  const makers = ep.role('input-maker');
  const maker = makers[e % makers.length]!;
  const item = INPUT_ITEMS[Number(maker.key.split('-').pop()) % INPUT_ITEMS.length]!;
  const product = ep.product(maker, item);
  const lot = `${ymd(ep.t)}${b36(e)}`;
  const lotUri = lgtin(product, lot);
  const units = rng.int(200, 800);
  const ilmd: Json = { 'cbvmda:itemExpirationDate': dateOnly(ep.t + (product.shelfLifeDays ?? 365) * DAY), 'cbvmda:lotNumber': lot };
  if (item === 'pesticide') ilmd['suyuan:registrationNumber'] = `PD2019${pad(1000 + (Number(maker.gcp) % 9000), 4)}`;
  ep.commission(maker, { quantityList: [q(lotUri, units)] }, ilmd);
  const dealer = ep.pick('input-dealer', maker);
  ep.later(24);
  ep.ship(maker, dealer, { quantityList: [q(lotUri, units)] }, { hours: 6, receive: 'sellable_accessible', tx: [ep.tx('desadv', 'desadv', maker)] });
  const farmRole = item === 'feed' || item === 'vet-drug' ? 'pig-farm' : rng.chance(0.6) ? 'veg-base' : 'grain-coop';
  const buyers = rng.int(2, 4);
  for (let i = 0; i < buyers; i++) {
    const farm = ep.pick(farmRole, dealer);
    const n = rng.int(5, Math.max(6, Math.floor(units / (buyers * 2))));
    ep.later(rng.int(12, 96));
    // Real-name sale (实名购买): the buyer is named as the new owner.
    ep.obj(dealer, {
      bizStep: 'retail_selling', disposition: 'retail_sold', quantityList: [q(lotUri, n)],
      sourceList: [{ type: 'owning_party', source: dealer.uri }], destinationList: [{ type: 'owning_party', destination: farm.uri }],
      bizTransactionList: [ep.tx('inv', `inv`, dealer)],
    });
    ep.later(2);
    ep.obj(farm, { bizStep: 'receiving', disposition: 'in_progress', quantityList: [q(lotUri, n)], sourceList: [{ type: 'owning_party', source: dealer.uri }], destinationList: [{ type: 'owning_party', destination: farm.uri }] });
    ep.later(rng.int(24, 120));
    ep.obj(farm, { bizStep: STEP_APPLYING, quantityList: [q(lotUri, Math.max(1, Math.floor(n * rng.real(0.3, 0.8))))] });
  }
}

/** Gas cylinders (GIAI): filling at the station → user → returned empty; periodic inspection now and then. */
function cylinderRound(ep: Episode, state: ChainState): void {
  const { rng, e } = ep;
  const station = ep.pick('filling-station');
  const pool = ep.w.cylinders.get(station.key)!;
  const inspector = ep.pick('se-inspector', station);
  const failTest = ANOMALY_EPISODES['cylinder-test']!.has(e);
  const count = Math.min(pool.length, rng.int(4, 6));
  const start = (e * 5) % pool.length;
  for (let i = 0; i < count; i++) {
    const giai = pool[(start + i) % pool.length]!;
    if (state.withdrawn.has(giai)) continue;
    ep.later(0.2);
    if (failTest && i === 0) {
      // Periodic inspection finds the cylinder unfit: it is withdrawn and never filled again.
      ep.inspect(inspector, { epcList: [giai] }, 'QP', 'non_conformant', { kind: 'non_conformant_inspection', code: giai, description: `gas cylinder failed its periodic inspection (TSG 23-2021): wall thickness below minimum; withdrawn by ${station.name}` });
      state.withdrawn.add(giai);
      ep.later(24);
      ep.obj(station, { bizStep: 'destroying', disposition: 'destroyed', epcList: [giai] });
      continue;
    }
    if ((e + i) % 9 === 0) {
      ep.inspect(inspector, { epcList: [giai] }, 'QP');
      ep.later(4);
    }
    ep.obj(station, { bizStep: STEP_FILLING, disposition: 'active', epcList: [giai], sensorElementList: [{ sensorMetadata: { time: localTime(ep.t) }, sensorReport: [{ type: 'Mass', value: rng.real(14.6, 15.1), uom: 'KGM' }] }] });
    const user = ep.pick(rng.pick(['canteen', 'farmers-market', 'supermarket']), station);
    ep.later(3);
    ep.ship(station, user, { epcList: [giai] }, { hours: 1, possess: true, receive: 'in_progress' });
    ep.later(24 * rng.int(7, 20));
    ep.ship(user, station, { epcList: [giai] }, { hours: 1, possess: true, receive: 'in_progress' });
  }
}

/** Elevators (特种设备代码): installation once, then maintenance every fortnight and the yearly inspection. */
function elevatorRound(ep: Episode, state: ChainState): void {
  const { rng } = ep;
  const owner = ep.pick(rng.chance(0.5) ? 'supermarket' : 'hospital');
  const firm = ep.pick('elevator-firm', owner);
  const inspector = ep.pick('se-inspector', owner);
  for (const unit of ep.w.elevators.get(owner.key) ?? []) {
    ep.later(2);
    if (!state.installed.has(unit)) {
      state.installed.add(unit);
      ep.emit(firm, { type: 'ObjectEvent', eventTime: localTime(ep.t), eventTimeZoneOffset: '+08:00', action: 'ADD', bizStep: 'installing', disposition: 'active', epcList: [unit], readPoint: { id: owner.siteUri }, bizLocation: { id: owner.siteUri } });
      ep.later(48);
      ep.inspect(inspector, { epcList: [unit] }, 'DT-AZ');
      continue;
    }
    for (let i = 0; i < 2; i++) {
      ep.later(24 * 14);
      ep.emit(firm, { type: 'ObjectEvent', eventTime: localTime(ep.t), eventTimeZoneOffset: '+08:00', action: 'OBSERVE', bizStep: 'repairing', disposition: 'active', epcList: [unit], readPoint: { id: owner.siteUri }, bizLocation: { id: owner.siteUri } });
    }
    if (rng.chance(0.3)) ep.inspect(inspector, { epcList: [unit] }, 'DT-DJ');
  }
}

/** Civil explosives: maker → licensed blasting unit (via a dangerous-goods carrier, with permits) → used in blasting. */
function explosivesChain(ep: Episode): void {
  const { rng, e } = ep;
  const maker = ep.pick('explosives-maker');
  const user = ep.pick('dg-user');
  const carrier = ep.pick('dg-carrier');
  const product = ep.product(maker, e % 2 === 0 ? 'explosive' : 'detonator');
  const lot = `MB${ymd(ep.t)}${b36(e)}`;
  const lotUri = lgtin(product, lot);
  const boxes = rng.int(10, 60);
  ep.commission(maker, { quantityList: [q(lotUri, boxes)] }, { 'cbvmda:itemExpirationDate': dateOnly(ep.t + (product.shelfLifeDays ?? 180) * DAY), 'cbvmda:lotNumber': lot });
  ep.later(24);
  dangerousShipment(ep, maker, user, carrier, lotUri, boxes);
  ep.later(2);
  ep.obj(user, { bizStep: 'storing', disposition: 'in_progress', quantityList: [q(lotUri, boxes)] });
  let left = boxes;
  for (let i = 0; i < 3 && left > 1; i++) {
    const used = Math.min(left, rng.int(2, Math.max(3, Math.floor(boxes / 3))));
    left -= used;
    ep.later(24 * rng.int(1, 4));
    ep.obj(user, { bizStep: 'destroying', disposition: 'destroyed', quantityList: [q(lotUri, used)], bizTransactionList: [ep.tx('prodorder', 'blasting', user)] });
  }
}

function dangerousShipment(ep: Episode, from: WorldParty, to: WorldParty, carrier: WorldParty, lotUri: string, n: number, uom = 'H87'): void {
  const lists = {
    sourceList: [{ type: 'owning_party', source: from.uri }, { type: 'possessing_party', source: from.uri }],
    destinationList: [{ type: 'owning_party', destination: to.uri }, { type: 'possessing_party', destination: carrier.uri }],
  };
  const txs = [ep.tx('po', 'permit:purchase', to), ep.tx('bol', 'permit:transport', carrier)];
  ep.obj(from, { bizStep: 'shipping', disposition: 'in_transit', quantityList: [q(lotUri, n, uom)], bizLocation: null, ...lists, bizTransactionList: txs });
  ep.later(5);
  ep.obj(to, { bizStep: 'receiving', disposition: 'in_progress', quantityList: [q(lotUri, n, uom)], ...lists, bizTransactionList: txs });
}

/** Explosive-precursor and highly toxic chemicals: maker → licensed user (carrier, permits) → storage checks. */
function chemicalsChain(ep: Episode): void {
  const { rng, e } = ep;
  const maker = ep.pick('chemical-maker');
  const user = ep.pick('dg-user');
  const carrier = ep.pick('dg-carrier');
  const product = ep.product(maker, e % 2 === 0 ? 'ammonium-nitrate' : 'cyanide');
  const lot = `HX${ymd(ep.t)}${b36(e)}`;
  const lotUri = lgtin(product, lot);
  const kg = rng.int(20, 80) * 25;
  ep.commission(maker, { quantityList: [q(lotUri, kg, 'KGM')] }, { 'cbvmda:itemExpirationDate': dateOnly(ep.t + 730 * DAY), 'cbvmda:lotNumber': lot });
  ep.later(12);
  dangerousShipment(ep, maker, user, carrier, lotUri, kg, 'KGM');
  ep.later(1);
  ep.obj(user, { bizStep: 'storing', disposition: 'in_progress', quantityList: [q(lotUri, kg, 'KGM')] });
  ep.later(24 * 7);
  ep.obj(user, { bizStep: 'stock_taking', quantityList: [q(lotUri, Math.round(kg * rng.real(0.4, 0.9)), 'KGM')] });
}

/** Fireworks: received by the licensed wholesaler from the maker (浏阳) → retail points before the Spring Festival. */
function fireworksChain(ep: Episode): void {
  const { rng, e } = ep;
  const wholesaler = ep.pick('fireworks-wholesaler');
  const product = ep.product(wholesaler, 'fireworks');
  const lot = `YH${ymd(ep.t)}${b36(e)}`;
  const lotUri = lgtin(product, lot);
  const boxes = rng.int(50, 200);
  const liuyangMaker = `urn:suyuan:party:${LIUYANG_MAKER_USCC}`;
  ep.obj(wholesaler, {
    action: 'ADD', bizStep: 'receiving', disposition: 'in_progress', quantityList: [q(lotUri, boxes)],
    sourceList: [{ type: 'owning_party', source: liuyangMaker }], destinationList: [{ type: 'owning_party', destination: wholesaler.uri }],
    ilmd: { 'cbvmda:lotNumber': lot, 'cbvmda:itemExpirationDate': dateOnly(ep.t + 1095 * DAY) },
  });
  for (let i = 0; i < 2; i++) {
    const shop = ep.pick('supermarket', wholesaler);
    const n = Math.floor(boxes / 3);
    ep.later(24);
    ep.ship(wholesaler, shop, { quantityList: [q(lotUri, n)] }, { hours: 3, receive: 'sellable_accessible' });
    ep.later(24);
    ep.sell(shop, { quantityList: [q(lotUri, rng.int(1, n))] });
  }
}

/** Rare earth: ore lot (quota plan) → separation (transformation into oxides) → exporter → export declaration. */
function rareEarthChain(ep: Episode): void {
  const { rng, e } = ep;
  const mine = ep.pick('re-mine');
  const smelter = ep.pick('re-smelter');
  const exporter = ep.pick('re-exporter');
  const quota = { 'suyuan:quotaPlan': `2026年稀土开采总量控制指标-粤-${pad((e % 4) + 1, 2)}` };
  const oreKg = rng.int(5, 20) * 1000;
  const ore = makeLocalCode({ issuerUscc: mine.uscc, category: 're-ore', code: `RE${ymd(ep.t)}${b36(e)}` });
  ep.commission(mine, { quantityList: [q(ore, oreKg, 'KGM')] }, quota);
  ep.later(24);
  ep.ship(mine, smelter, { quantityList: [q(ore, oreKg, 'KGM')] }, { hours: 8, tx: [ep.tx('desadv', 'desadv', mine)] });
  ep.later(72);
  const reo = oreKg * 0.92;
  const outputs = ([['nd-oxide', 0.2], ['pr-oxide', 0.06], ['dy-oxide', 0.015]] as const).map(([item, share]) => {
    const p = ep.product(smelter, item);
    return { p, lot: lgtin(p, `FL${ymd(ep.t)}${b36(e)}`), kg: Math.round(reo * share * 10) / 10 };
  });
  ep.transform(smelter, 'commissioning', {
    inputQuantityList: [q(ore, oreKg, 'KGM')], outputQuantityList: outputs.map((o) => q(o.lot, o.kg, 'KGM')),
    ilmd: { 'cbvmda:lotNumber': `FL${ymd(ep.t)}${b36(e)}`, ...quota },
  });
  ep.later(6);
  ep.inspect(smelter, { quantityList: outputs.map((o) => q(o.lot, o.kg, 'KGM')) }, 'XT');
  ep.later(48);
  ep.ship(smelter, exporter, { quantityList: outputs.map((o) => q(o.lot, o.kg, 'KGM')) }, { hours: 6 });
  ep.later(24 * rng.int(2, 10));
  const buyer = rng.chance(0.6) ? FOREIGN_PARTIES.JP! : FOREIGN_PARTIES.DE!;
  ep.obj(exporter, {
    bizStep: 'departing', disposition: 'in_transit', quantityList: outputs.map((o) => q(o.lot, o.kg, 'KGM')), bizLocation: null,
    sourceList: [{ type: 'owning_party', source: exporter.uri }], destinationList: [{ type: 'owning_party', destination: `https://id.gs1.org/417/${buyer}` }],
    bizTransactionList: [ep.tx('bol', 'customs-declaration', exporter), ep.tx('cert', 'cert:export-licence', exporter)],
  });
}

/** Imports: foreign lot (HS code, origin in ilmd) enters at the port → inspection → importer's bonded store → retail. */
function importChain(ep: Episode): void {
  const { rng, e } = ep;
  const importer = ep.pick('importer');
  const port = ep.pick('port');
  const spec = IMPORTS[e % IMPORTS.length]!;
  const product = ep.product(importer, spec.item);
  const lot = `${spec.country}${ymd(ep.t)}${b36(e)}`;
  const lotUri = lgtin(product, lot);
  const units = rng.int(50, 200) * 12;
  const foreign = `https://id.gs1.org/417/${FOREIGN_PARTIES[spec.country]}`;
  ep.emit(importer, {
    type: 'ObjectEvent', eventTime: localTime(ep.t), eventTimeZoneOffset: '+08:00', action: 'ADD', bizStep: 'arriving', disposition: 'in_progress',
    quantityList: [q(lotUri, units)], readPoint: { id: port.siteUri }, bizLocation: { id: port.siteUri },
    sourceList: [{ type: 'owning_party', source: foreign }], destinationList: [{ type: 'owning_party', destination: importer.uri }],
    bizTransactionList: [ep.tx('bol', 'customs-declaration', importer)],
    ilmd: { 'cbvmda:lotNumber': lot, 'cbvmda:itemExpirationDate': dateOnly(ep.t + spec.shelfLifeDays * DAY), 'suyuan:hsCode': spec.hs, 'suyuan:countryOfOrigin': spec.country },
  });
  ep.later(24);
  ep.emit(importer, {
    type: 'ObjectEvent', eventTime: localTime(ep.t), eventTimeZoneOffset: '+08:00', action: 'OBSERVE', bizStep: 'inspecting', disposition: 'conformant',
    quantityList: [q(lotUri, units)], readPoint: { id: port.siteUri }, bizTransactionList: [ep.tx('cert', 'cert:ciq', importer)],
  });
  ep.later(12);
  ep.obj(importer, { bizStep: 'receiving', disposition: 'sellable_not_accessible', quantityList: [q(lotUri, units)] });
  let left = Math.floor(units * rng.real(0.7, 0.95));
  const shops = rng.int(2, 3);
  for (let i = 0; i < shops; i++) {
    const shop = ep.pick('supermarket');
    const n = i === shops - 1 ? left : Math.floor(left / (shops - i));
    left -= n;
    ep.later(24 * rng.int(1, 5));
    ep.ship(importer, shop, { quantityList: [q(lotUri, n)] }, { hours: 4, receive: 'sellable_accessible' });
    ep.later(24);
    ep.sell(shop, { quantityList: [q(lotUri, rng.int(1, Math.max(1, Math.floor(n / 4))))] });
  }
}

/** Events an episode of the line makes on average (used only to spread episodes over the year). */
export const TYPICAL_EPISODE_EVENTS: Readonly<Record<ProductLineId, number>> = {
  'farm-produce': 20, food: 28, drug: 28, 'farm-input': 12, 'special-equipment': 22, 'dangerous-goods': 8, 'rare-earth': 10, 'import-export': 12,
};
