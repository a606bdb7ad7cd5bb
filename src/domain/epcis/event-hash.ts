/**
 * GS1 CBV 2.0 §8.9 "Event Hash ID": the canonical pre-hash string of an EPCIS 2.0 event and its
 * `ni:///sha-256;<hex>?ver=CBV2.0` hash. The behaviour matches the GS1 reference implementation
 * (RalphTro/epcis-event-hash-generator) on its published vectors, including where that implementation
 * has become the de-facto rule (source/destination/bizTransaction lists sorted among the trailing fields,
 * unknown nested fields appended at the end of the event).
 *
 * Everything here is pure and allocation-light: regular expressions are compiled once at module load.
 *
 * @example
 * const ctx = documentContext(doc['@context']);
 * for (const ev of doc.epcisBody.eventList) console.log(eventHashId(ev, ctx));
 */
import { createHash } from 'node:crypto';

/** Namespace prefixes in force for one EPCIS document (JSON-LD `@context` or XML `xmlns`). */
export interface JsonLdContext {
  /** prefix → namespace URI, e.g. `example` → `https://ns.example.com/epcis/`. */
  readonly prefixes: Readonly<Record<string, string>>;
  /** Event-level fields (expanded `{ns}local` names) the document asks to leave out of the hash. */
  readonly ignoreFields: ReadonlySet<string>;
}

/** Options of {@link documentContext}. */
export interface DocumentContextOptions {
  /**
   * Event-level user extension fields to leave out of the hash, as CURIEs or `{ns}local` names: the
   * document-level `ignoreFields` list of the reference implementation (repository bookkeeping such as
   * a stored hash or capture id, which must not change the event's identity).
   */
  readonly ignoreFields?: readonly string[];
}

/** Prefixes the standard EPCIS 2.0 JSON-LD context defines. */
const STANDARD_PREFIXES: Readonly<Record<string, string>> = {
  epcis: 'https://ref.gs1.org/epcis/',
  cbv: 'https://ref.gs1.org/cbv/',
  cbvmda: 'urn:epcglobal:cbv:mda:',
  gs1: 'https://gs1.org/voc/',
  rdfs: 'http://www.w3.org/2000/01/rdf-schema#',
  owl: 'http://www.w3.org/2002/07/owl#',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
  dcterms: 'http://purl.org/dc/terms/',
};

/** Build the context once per document from its `@context` (a URL, an object, or an array of both). */
export function documentContext(atContext: unknown, options: DocumentContextOptions = {}): JsonLdContext {
  const prefixes: Record<string, string> = Object.assign(Object.create(null) as Record<string, string>, STANDARD_PREFIXES);
  const add = (entry: unknown): void => {
    if (Array.isArray(entry)) {
      for (const e of entry) add(e);
      return;
    }
    if (entry === null || typeof entry !== 'object') return; // remote context URLs: the standard prefixes cover them
    for (const [key, value] of Object.entries(entry as Record<string, unknown>)) {
      if (key.startsWith('@')) continue;
      if (typeof value === 'string') prefixes[key] = value; // term definitions (objects) are not prefixes
    }
  };
  add(atContext);
  const ctx = { prefixes, ignoreFields: new Set<string>() };
  for (const name of options.ignoreFields ?? []) ctx.ignoreFields.add(expandKey(name, ctx));
  return ctx;
}

/**
 * The context of a JSON/JSON-LD EPCIS document: its `@context`, plus a document-level `…:ignoreFields`
 * list (at the top or in `epcisBody.queryResults`) when present.
 */
export function documentContextOf(document: Record<string, unknown>): JsonLdContext {
  const lists: unknown[] = [];
  const scan = (o: unknown): void => {
    if (o === null || typeof o !== 'object' || Array.isArray(o)) return;
    for (const [k, v] of Object.entries(o)) if (k === 'ignoreFields' || k.endsWith(':ignoreFields')) lists.push(v);
  };
  scan(document);
  const body = document.epcisBody as Record<string, unknown> | undefined;
  scan(body?.queryResults);
  const ignoreFields = lists.flatMap((l) => (Array.isArray(l) ? l : [l])).filter((x): x is string => typeof x === 'string');
  return documentContext(document['@context'], { ignoreFields });
}

// ---------------------------------------------------------------------------------------------------
// Vocabulary: bare JSON-LD terms of the EPCIS 2.0 context, expanded per field (CBV 2.0 §8.9 rule 16).

const CBV = 'https://ref.gs1.org/cbv/';
const GS1_VOC = 'https://gs1.org/voc/';

const BIZ_STEPS = new Set([
  'accepting', 'arriving', 'assembling', 'collecting', 'commissioning', 'consigning',
  'creating_class_instance', 'cycle_counting', 'decommissioning', 'departing', 'destroying', 'disassembling',
  'dispensing', 'encoding', 'entering_exiting', 'holding', 'inspecting', 'installing', 'killing', 'loading',
  'other', 'packing', 'picking', 'receiving', 'removing', 'repackaging', 'repairing', 'replacing',
  'reserving', 'retail_selling', 'sampling', 'sensor_reporting', 'shipping', 'staging_outbound',
  'stock_taking', 'stocking', 'storing', 'transporting', 'unloading', 'unpacking', 'void_shipping',
]);
const DISPOSITIONS = new Set([
  'active', 'available', 'completeness_inferred', 'completeness_verified', 'conformant', 'container_closed',
  'container_open', 'damaged', 'destroyed', 'dispensed', 'disposed', 'encoded', 'expired', 'in_progress',
  'in_transit', 'inactive', 'mismatch_class', 'mismatch_instance', 'mismatch_quantity', 'needs_replacement',
  'no_pedigree_match', 'non_conformant', 'non_sellable_other', 'partially_dispensed', 'recalled', 'reserved',
  'retail_sold', 'returned', 'sellable_accessible', 'sellable_not_accessible', 'stolen', 'unavailable',
  'unknown',
]);
const BIZ_TRANSACTION_TYPES = new Set([
  'bol', 'cert', 'desadv', 'inv', 'pedigree', 'po', 'poc', 'prodorder', 'recadv', 'rma', 'testprd',
  'testres', 'upevt',
]);
const SOURCE_DEST_TYPES = new Set([
  'location', 'owning_party', 'possessing_party',
]);
const MEASUREMENT_TYPES = new Set([
  'AbsoluteHumidity', 'AbsorbedDose', 'AbsorbedDoseRate', 'Acceleration', 'Altitude', 'AmountOfSubstance',
  'AmountOfSubstancePerUnitVolume', 'Angle', 'AngularAcceleration', 'AngularMomentum', 'AngularVelocity',
  'Area', 'Capacitance', 'Conductance', 'Conductivity', 'Count', 'Density', 'Dimensionless',
  'DoseEquivalent', 'DoseEquivalentRate', 'DynamicViscosity', 'ElectricCharge', 'ElectricCurrent',
  'ElectricCurrentDensity', 'ElectricFieldStrength', 'Energy', 'Exposure', 'Force', 'Frequency',
  'Illuminance', 'Inductance', 'Irradiance', 'KinematicViscosity', 'Length', 'LinearMomentum', 'Luminance',
  'LuminousFlux', 'LuminousIntensity', 'MagneticFlux', 'MagneticFluxDensity', 'MagneticVectorPotential',
  'Mass', 'MassConcentration', 'MassFlowRate', 'MassPerAreaTime', 'MemoryCapacity', 'MolalityOfSolute',
  'MolarEnergy', 'MolarMass', 'MolarVolume', 'Power', 'Pressure', 'RadiantFlux', 'RadiantIntensity',
  'Radioactivity', 'RelativeHumidity', 'Resistance', 'Resistivity', 'SolidAngle', 'SpecificVolume', 'Speed',
  'SurfaceDensity', 'SurfaceTension', 'Temperature', 'Time', 'Torque', 'Voltage', 'Volume', 'VolumeFlowRate',
  'VolumeFraction', 'VolumetricFlux', 'Wavenumber',
]);
const SENSOR_ALERT_TYPES = new Set([
  'ALARM_CONDITION', 'ERROR_CONDITION',
]);
const COMPONENTS = new Set([
  'altitude', 'axial_distance', 'azimuth', 'easting', 'elevation_angle', 'height', 'latitude', 'longitude',
  'northing', 'polar_angle', 'spherical_radius', 'x', 'y', 'z',
]);

interface Vocab {
  readonly terms: ReadonlySet<string>;
  readonly base: string;
}
const V_BIZ_STEP: Vocab = { terms: BIZ_STEPS, base: `${CBV}BizStep-` };
const V_DISPOSITION: Vocab = { terms: DISPOSITIONS, base: `${CBV}Disp-` };
const V_BTT: Vocab = { terms: BIZ_TRANSACTION_TYPES, base: `${CBV}BTT-` };
const V_SDT: Vocab = { terms: SOURCE_DEST_TYPES, base: `${CBV}SDT-` };
const V_MEASUREMENT: Vocab = { terms: MEASUREMENT_TYPES, base: GS1_VOC };
const V_ALERT: Vocab = { terms: SENSOR_ALERT_TYPES, base: GS1_VOC };
const V_COMPONENT: Vocab = { terms: COMPONENTS, base: `${CBV}Comp-` };

// ---------------------------------------------------------------------------------------------------
// Canonical property order (CBV 2.0 §8.9, table "canonical property order").

interface FieldSpec {
  readonly key: string;
  /** For list fields: the name each array entry takes in the pre-hash string (`epc`, `quantityElement`…). */
  readonly elem?: string;
  readonly sub?: SpecList;
  readonly vocab?: Vocab;
  /** Timestamp field: normalised to UTC with millisecond precision. */
  readonly time: boolean;
}
interface SpecList {
  readonly fields: readonly FieldSpec[];
  readonly keys: ReadonlySet<string>;
}
type FieldInit = string | { key: string; elem?: string; sub?: SpecList; vocab?: Vocab };

function specList(inits: readonly FieldInit[]): SpecList {
  const fields = inits.map((i): FieldSpec => {
    const f = typeof i === 'string' ? { key: i } : i;
    const lower = f.key.toLowerCase();
    return { ...f, time: lower.includes('time') && !lower.includes('offset') };
  });
  return { fields, keys: new Set(fields.map((f) => f.key)) };
}

const QUANTITY = specList(['epcClass', 'quantity', 'uom']);
const SENSOR_METADATA = specList([
  'time', 'startTime', 'endTime', 'deviceID', 'deviceMetadata', 'rawData', 'dataProcessingMethod', 'bizRules',
]);
const SENSOR_REPORT = specList([
  { key: 'type', vocab: V_MEASUREMENT }, { key: 'exception', vocab: V_ALERT }, 'deviceID', 'deviceMetadata', 'rawData',
  'dataProcessingMethod', 'time', 'microorganism', 'chemicalSubstance', 'value', { key: 'component', vocab: V_COMPONENT },
  'stringValue', 'booleanValue', 'hexBinaryValue', 'uriValue', 'minValue', 'maxValue', 'meanValue', 'sDev', 'percRank',
  'percValue', 'uom', 'coordinateReferenceSystem',
]);
const POINT = specList(['id']);
const EVENT = specList([
  'eventTime', 'eventTimeZoneOffset', 'certificationInfo', 'parentID',
  { key: 'epcList', elem: 'epc' },
  { key: 'inputEPCList', elem: 'epc' },
  { key: 'childEPCs', elem: 'epc' },
  { key: 'quantityList', elem: 'quantityElement', sub: QUANTITY },
  { key: 'childQuantityList', elem: 'quantityElement', sub: QUANTITY },
  { key: 'inputQuantityList', elem: 'quantityElement', sub: QUANTITY },
  { key: 'outputEPCList', elem: 'epc' },
  { key: 'outputQuantityList', elem: 'quantityElement', sub: QUANTITY },
  'action', 'transformationID',
  { key: 'bizStep', vocab: V_BIZ_STEP },
  { key: 'disposition', vocab: V_DISPOSITION },
  { key: 'persistentDisposition', sub: specList([{ key: 'set', vocab: V_DISPOSITION }, { key: 'unset', vocab: V_DISPOSITION }]) },
  { key: 'readPoint', sub: POINT },
  { key: 'bizLocation', sub: POINT },
  {
    key: 'sensorElementList',
    elem: 'sensorElement',
    sub: specList([{ key: 'sensorMetadata', sub: SENSOR_METADATA }, { key: 'sensorReport', sub: SENSOR_REPORT }]),
  },
]);

/** Event fields outside the hash (§8.9: eventID, recordTime, errorDeclaration; `type` is emitted as eventType). */
const IGNORED_TOP = new Set(['type', 'eventID', 'recordTime', 'errorDeclaration']);
/** Fields ignored at every level: comments and the XML text holder. */
const IGNORED_ANY = new Set(['#text', 'comment', 'rdfs:comment']);
/** List entries whose own id and type render as `type=…<name>=…` (rule 13). */
const TYPED_ENTRY: Readonly<Record<string, Vocab>> = { bizTransaction: V_BTT, source: V_SDT, destination: V_SDT };
/** Names list entries take when a standard list is rendered generically. */
const LIST_ITEM_NAME: Readonly<Record<string, string>> = {
  inputEPC: 'epc', outputEPC: 'epc', childQuantity: 'quantityElement', inputQuantity: 'quantityElement',
  outputQuantity: 'quantityElement', quantity: 'quantityElement',
};

// ---------------------------------------------------------------------------------------------------
// Pre-hash string

/** The canonical pre-hash string of one event (CBV 2.0 §8.9). */
export function eventPreHash(event: Record<string, unknown>, ctx: JsonLdContext): string {
  const residual: GNode[] = [];
  let out = `eventType=${String(event.type ?? '')}`;
  out += renderFields(event, EVENT, ctx, residual);
  const tail: GNode[] = [];
  for (const key in event) {
    if (EVENT.keys.has(key) || IGNORED_TOP.has(key) || IGNORED_ANY.has(key) || key.charCodeAt(0) === 64) continue;
    const name = expandKey(key, ctx);
    if (ctx.ignoreFields.size > 0 && ctx.ignoreFields.has(name)) continue;
    pushNodes(tail, name, event[key], ctx);
  }
  for (const n of residual) tail.push(n);
  return out + renderList(tail);
}

/** The event hash ID: `ni:///sha-256;<hex>?ver=CBV2.0`. */
export function eventHashId(event: Record<string, unknown>, ctx: JsonLdContext): string {
  return hashPreHash(eventPreHash(event, ctx));
}

/** The `ni:` URI of a pre-hash string. */
export function hashPreHash(preHash: string): string {
  return `ni:///sha-256;${createHash('sha256').update(preHash, 'utf8').digest('hex')}?ver=CBV2.0`;
}

/** A field not covered by the canonical order, kept in the generic (sorted) form. */
interface GNode {
  readonly name: string;
  readonly text: string;
  readonly children: GNode[] | null;
  /** Pre-rendered form (typed list entries). */
  readonly pre?: string;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Ordered fields of one object; unknown fields go to `residual`, extensions to the end (rule 21). */
function renderFields(obj: Record<string, unknown>, specs: SpecList, ctx: JsonLdContext, residual: GNode[], nested = false): string {
  let out = '';
  for (const spec of specs.fields) {
    const v = obj[spec.key];
    if (v === undefined || v === null) continue;
    out += renderField(spec, v, ctx, residual);
  }
  if (!nested) return out;
  let count = 0;
  let extras = false;
  for (const key in obj) {
    const v = obj[key];
    count += Array.isArray(v) ? v.length : 1;
    if (!specs.keys.has(key)) extras = true;
  }
  if (!extras) return out;
  const extensions: GNode[] = [];
  for (const key in obj) {
    if (specs.keys.has(key) || IGNORED_ANY.has(key) || key.charCodeAt(0) === 64) continue;
    const name = expandKey(key, ctx);
    // A lone extension is not gathered by the reference implementation: it trails the event instead.
    pushNodes(name.charCodeAt(0) === 123 && count > 1 ? extensions : residual, name, obj[key], ctx);
  }
  return out + renderList(extensions);
}

function renderField(spec: FieldSpec, v: unknown, ctx: JsonLdContext, residual: GNode[]): string {
  if (!Array.isArray(v)) {
    if (spec.elem === undefined) return renderElem(spec.key, spec, v, ctx, residual);
    v = [v];
  }
  const items = v as unknown[];
  const parts: string[] = [];
  const name = spec.elem ?? spec.key;
  const res: GNode[] = spec.elem === undefined ? residual : [];
  for (const item of items) {
    const s = renderElem(name, spec, item, ctx, res);
    if (s !== '') parts.push(s);
  }
  if (spec.elem !== undefined && res.length > 0) residual.push({ name: spec.key, text: '', children: res });
  if (parts.length === 0) return '';
  if (parts.length > 1) parts.sort();
  return spec.elem === undefined ? parts.join('') : spec.key + parts.join('');
}

function renderElem(name: string, spec: FieldSpec, v: unknown, ctx: JsonLdContext, residual: GNode[]): string {
  if (isObject(v)) {
    if (spec.sub === undefined) {
      pushNodes(residual, name, v, ctx);
      return '';
    }
    const res: GNode[] = [];
    const inner = renderFields(v, spec.sub, ctx, res, true);
    if (res.length > 0) residual.push({ name, text: '', children: res });
    return inner === '' ? '' : name + inner;
  }
  if (Array.isArray(v) || v === null || v === undefined) return '';
  const text = scalarText(v, ctx, spec.vocab).trim();
  if (text === '') return '';
  // EPCs are unique per event: caching them would only evict the values that do repeat.
  return `${name}=${spec.time ? normaliseTimestamp(text) : canonicalValue(text, name !== 'epc')}`;
}

/** Convert a JSON value to generic nodes named `name` (already expanded). */
function pushNodes(into: GNode[], name: string, v: unknown, ctx: JsonLdContext): void {
  if (v === null || v === undefined) return;
  if (Array.isArray(v)) {
    if (name.endsWith('List') || name === 'childEPCs') {
      const base = name === 'childEPCs' ? 'epc' : name.slice(0, -4);
      const children: GNode[] = [];
      for (const item of v) pushNodes(children, (isObject(item) ? LIST_ITEM_NAME[base] : undefined) ?? (base === 'inputEPC' || base === 'outputEPC' ? 'epc' : base), item, ctx);
      into.push({ name, text: '', children });
    } else {
      for (const item of v) pushNodes(into, name, item, ctx);
    }
    return;
  }
  if (isObject(v)) {
    const typed = TYPED_ENTRY[name];
    if (typed !== undefined) {
      into.push({ name, text: '', children: null, pre: renderTypedEntry(name, typed, v, ctx) });
      return;
    }
    const children: GNode[] = [];
    for (const key in v) {
      if (IGNORED_ANY.has(key) || key.charCodeAt(0) === 64) continue;
      pushNodes(children, expandKey(key, ctx), v[key], ctx);
    }
    const text = v['#text'];
    into.push({ name, text: typeof text === 'string' ? text : '', children });
    return;
  }
  into.push({ name, text: scalarText(v, ctx, undefined), children: null });
}

/** `type=<type><name>=<id>` for bizTransaction / source / destination entries (rule 13). */
function renderTypedEntry(name: string, vocab: Vocab, v: Record<string, unknown>, ctx: JsonLdContext): string {
  let out = '';
  const type = v.type;
  if (type !== undefined && type !== null) {
    const t = scalarText(type, ctx, vocab).trim();
    if (t !== '') out += `type=${canonicalValue(t)}`;
  }
  const id = v[name];
  if (id !== undefined && id !== null) {
    const t = scalarText(id, ctx, undefined).trim();
    if (t !== '') out += `${name}=${canonicalValue(t)}`;
  }
  const rest: GNode[] = [];
  for (const key in v) {
    if (key === 'type' || key === name || IGNORED_ANY.has(key) || key.charCodeAt(0) === 64) continue;
    pushNodes(rest, expandKey(key, ctx), v[key], ctx);
  }
  return out + renderList(rest);
}

function renderNode(n: GNode): string {
  if (n.pre !== undefined) return n.pre;
  let out = n.name;
  const t = n.text.trim();
  if (t !== '') out += `=${canonicalValue(t)}`;
  if (n.children !== null && n.children.length > 0) out += renderList(n.children);
  return out;
}

/** Generic fields: each rendered, then sorted lexically (rules 19–21). */
function renderList(nodes: readonly GNode[]): string {
  if (nodes.length === 0) return '';
  if (nodes.length === 1) return renderNode(nodes[0]!);
  const parts = nodes.map(renderNode);
  parts.sort();
  return parts.join('');
}

// ---------------------------------------------------------------------------------------------------
// Names and scalar values

/** `prefix:local` → `{namespace}local` when the prefix is known; other names unchanged. */
function expandKey(key: string, ctx: JsonLdContext): string {
  const i = key.indexOf(':');
  if (i <= 0 || key.charCodeAt(0) === 123) return key;
  const ns = ctx.prefixes[key.slice(0, i)];
  return ns === undefined ? key : `{${ns}}${key.slice(i + 1)}`;
}

/** A JSON scalar as text: bare vocabulary terms and GS1 CURIEs expanded (rules 15, 16). */
function scalarText(v: unknown, ctx: JsonLdContext, vocab: Vocab | undefined): string {
  if (typeof v === 'string') {
    if (vocab !== undefined && vocab.terms.has(v.trim())) return vocab.base + v.trim();
    const i = v.indexOf(':');
    if (i > 0) {
      const ns = ctx.prefixes[v.slice(0, i)];
      // Only GS1 vocabularies are expanded in values; user CURIEs stay as written (as the reference does).
      if (ns !== undefined && (ns.startsWith('https://gs1.org/') || ns.startsWith('https://ref.gs1.org/'))) return ns + v.slice(i + 1);
    }
    return v;
  }
  if (typeof v === 'number') return pythonNumber(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return String(v);
}

const NUMERIC = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const URN_VOCAB: readonly (readonly [string, string])[] = [
  ['urn:epcglobal:cbv:bizstep:', `${CBV}BizStep-`],
  ['urn:epcglobal:cbv:disp:', `${CBV}Disp-`],
  ['urn:epcglobal:cbv:btt:', `${CBV}BTT-`],
  ['urn:epcglobal:cbv:sdt:', `${CBV}SDT-`],
  ['urn:epcglobal:cbv:er:', `${CBV}ER-`],
];

/** Canonical forms of recent values: capture documents repeat locations, steps and classes event after event. */
const valueCache = new Map<string, string>();
const VALUE_CACHE_LIMIT = 8192;

/** Value canonicalisation: CBV URNs → web URIs (14), numbers (6, 7), EPC URIs / DL URIs → constrained DL (17, 18). */
function canonicalValue(text: string, cache = true): string {
  if (!cache) return canonicalValueUncached(text);
  const cached = valueCache.get(text);
  if (cached !== undefined) return cached;
  const result = canonicalValueUncached(text);
  if (valueCache.size >= VALUE_CACHE_LIMIT) valueCache.clear();
  valueCache.set(text, result);
  return result;
}

function canonicalValueUncached(text: string): string {
  let t = text;
  if (t.includes('urn:epcglobal:cbv:')) for (const [urn, web] of URN_VOCAB) t = t.replaceAll(urn, web);
  if (NUMERIC.test(t)) {
    const n = Number(t);
    if (Number.isFinite(n)) t = pythonNumber(n);
  }
  return normaliseId(t) ?? t;
}

/**
 * A number written as the reference writes it: integral values without a fraction, others in the
 * shortest round-trip form, exponent notation below 1e-4 (`5e-05`).
 */
function pythonNumber(n: number): string {
  if (Number.isInteger(n)) return Math.abs(n) < 1e21 ? String(n === 0 ? 0 : n) : BigInt(n).toString();
  if (Math.abs(n) >= 1e-4) return String(n);
  const [mantissa, exp] = n.toExponential().split('e') as [string, string];
  const e = Number(exp);
  return `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(?:([Zz])|([+-])(\d{2}):?(\d{2})?)?$/;

/** Timestamps in UTC with millisecond precision, `Z` suffix (rules 8, 9); unparseable text unchanged. */
function normaliseTimestamp(text: string): string {
  const m = TIMESTAMP.exec(text);
  if (m === null) return text;
  // microseconds (the reference parses to µs), rounded half-even to milliseconds
  const micros = m[7] === undefined ? 0 : Number(m[7].slice(0, 6).padEnd(6, '0'));
  let ms = Math.floor(micros / 1000);
  const rest = micros % 1000;
  if (rest > 500 || (rest === 500 && ms % 2 === 1)) ms += 1;
  let offsetMin = 0;
  if (m[9] !== undefined) {
    offsetMin = Number(m[10]) * 60 + Number(m[11] ?? '0');
    if (m[9] === '-') offsetMin = -offsetMin;
  }
  const epoch =
    Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? '0')) -
    offsetMin * 60_000 + ms;
  const d = new Date(epoch);
  return Number.isNaN(d.getTime()) ? text : d.toISOString();
}

// ---------------------------------------------------------------------------------------------------
// Identifiers: EPC URIs → canonical GS1 Digital Link (rule 17); DL URIs constrained (rule 18).

/** One EPC serial character: the TDS URI character set, `%`-escapes included. */
const SER = "(?:[!')(*+,.0-9:;=A-Za-z_-]|%(?:2[125-9A-Fa-f]|3[0-9A-Fa-f]|4[1-9A-Fa-f]|5[0-9AaFf]|6[1-9A-Fa-f]|7[0-9Aa]))";
/** One CPI component-part-reference character. */
const CPR = '(?:[0-9A-Z-]|%(?:2[3dfDF]|3[0-9]|4[1-9A-Fa-f]|5[0-9Aa]))';
const GCP = '(\\d{6,12})';

const EPC_PATTERNS = {
  sgtin: new RegExp(`^${GCP}\\.(\\d{1,7})\\.(${SER}{1,20})$`),
  sscc: new RegExp(`^${GCP}\\.(\\d{5,11})$`),
  sgln: new RegExp(`^${GCP}\\.(\\d{0,6})\\.(${SER}{1,20})$`),
  grai: new RegExp(`^${GCP}\\.(\\d{0,6})\\.(${SER}{1,16})$`),
  giai: new RegExp(`^${GCP}\\.(${SER}{1,24})$`),
  gsrn: new RegExp(`^${GCP}\\.(\\d{5,11})$`),
  gdti: new RegExp(`^${GCP}\\.(\\d{0,6})\\.(${SER}{0,19})$`),
  cpi: new RegExp(`^${GCP}\\.(${CPR}{1,24})\\.(\\d{1,12})$`),
  sgcn: new RegExp(`^${GCP}\\.(\\d{0,6})\\.(\\d{1,12})$`),
  gsin: new RegExp(`^${GCP}\\.(\\d{4,10})$`),
  itip: new RegExp(`^${GCP}\\.(\\d{1,7})\\.(\\d{2})\\.(\\d{2})\\.(${SER}{1,20})$`),
  upui: new RegExp(`^${GCP}\\.(\\d{1,7})\\.(${SER}{1,28})$`),
  pgln: new RegExp(`^${GCP}\\.(\\d{0,6})$`),
  lgtin: new RegExp(`^${GCP}\\.(\\d{1,7})\\.(${SER}{1,20})$`),
  patItem: new RegExp(`^${GCP}\\.(\\d{0,7})\\.\\*$`),
  patCpi: new RegExp(`^${GCP}\\.(${CPR}{1,24})\\.\\*$`),
  patItip: new RegExp(`^${GCP}\\.(\\d{1,7})\\.(\\d{2})\\.(\\d{2})\\.\\*$`),
} as const;

const DL = 'https://id.gs1.org/';

/** GS1 modulo-10 check digit of a digit string. */
function checkDigit(digits: string): string {
  let sum = 0;
  for (let i = digits.length - 1, w = 3; i >= 0; i--, w = 4 - w) sum += (digits.charCodeAt(i) - 48) * w;
  return String((10 - (sum % 10)) % 10);
}
function withCheck(digits: string): string {
  return digits + checkDigit(digits);
}
/** Indicator digit first, then the company prefix, then the rest of the item reference, then the check digit. */
function gtin(gcp: string, itemRef: string): string {
  return withCheck(itemRef.slice(0, 1) + gcp + itemRef.slice(1));
}
/** Characters that must be escaped in a DL path segment but may appear raw in an EPC URI. */
function escapeDl(s: string): string {
  if (!DL_UNSAFE.test(s)) return s;
  return s.replace(DL_UNSAFE_ALL, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
const DL_UNSAFE = /[!()*+,:]/;
const DL_UNSAFE_ALL = /[!()*+,:]/g;
/** Length in characters, a `%xx` escape counting as one. */
function units(s: string): number {
  let n = s.length;
  for (let i = s.indexOf('%'); i >= 0; i = s.indexOf('%', i + 1)) n -= 2;
  return n;
}

/** A GS1 identifier (EPC URI, EPC class / pattern URI or DL URI) as a constrained canonical DL URI, else null. */
export function normaliseId(text: string): string | null {
  if (text.indexOf('.') < 0) return null;
  if (text.startsWith('urn:epc:')) return epcToDl(text);
  if (text.startsWith('http')) return constrainDl(text);
  return null;
}

function epcToDl(uri: string): string | null {
  let kind: 'id' | 'class' | 'idpat';
  let rest: string;
  if (uri.startsWith('urn:epc:id:')) (kind = 'id'), (rest = uri.slice(11));
  else if (uri.startsWith('urn:epc:class:')) (kind = 'class'), (rest = uri.slice(14));
  else if (uri.startsWith('urn:epc:idpat:')) (kind = 'idpat'), (rest = uri.slice(14));
  else return null;
  const colon = rest.indexOf(':');
  if (colon < 0) return null;
  const scheme = rest.slice(0, colon);
  const body = rest.slice(colon + 1);
  let m: RegExpExecArray | null;
  if (kind === 'class') {
    if (scheme !== 'lgtin' || (m = EPC_PATTERNS.lgtin.exec(body)) === null) return null;
    const [, gcp, item, lot] = m as unknown as [string, string, string, string];
    return gcp.length + item.length === 13 ? `${DL}01/${gtin(gcp, item)}/10/${escapeDl(lot)}` : null;
  }
  if (kind === 'idpat') return epcPatternToDl(scheme, body);
  switch (scheme) {
    case 'sgtin': {
      if ((m = EPC_PATTERNS.sgtin.exec(body)) === null || m[1]!.length + m[2]!.length !== 13) return null;
      return `${DL}01/${gtin(m[1]!, m[2]!)}/21/${escapeDl(m[3]!)}`;
    }
    case 'sscc': {
      if ((m = EPC_PATTERNS.sscc.exec(body)) === null || m[1]!.length + m[2]!.length !== 17) return null;
      return `${DL}00/${gtin(m[1]!, m[2]!)}`;
    }
    case 'sgln': {
      if ((m = EPC_PATTERNS.sgln.exec(body)) === null || m[1]!.length + m[2]!.length !== 12) return null;
      const gln = withCheck(m[1]! + m[2]!);
      return m[3] === '0' ? `${DL}414/${gln}` : `${DL}414/${gln}/254/${escapeDl(m[3]!)}`;
    }
    case 'grai': {
      if ((m = EPC_PATTERNS.grai.exec(body)) === null || m[1]!.length + m[2]!.length !== 12) return null;
      return `${DL}8003/${withCheck(`0${m[1]!}${m[2]!}`)}${escapeDl(m[3]!)}`;
    }
    case 'giai': {
      if ((m = EPC_PATTERNS.giai.exec(body)) === null || m[1]!.length + units(m[2]!) > 30) return null;
      return `${DL}8004/${m[1]!}${escapeDl(m[2]!)}`;
    }
    case 'gsrn':
    case 'gsrnp': {
      if ((m = EPC_PATTERNS.gsrn.exec(body)) === null || m[1]!.length + m[2]!.length !== 17) return null;
      return `${DL}${scheme === 'gsrn' ? '8018' : '8017'}/${withCheck(m[1]! + m[2]!)}`;
    }
    case 'gdti': {
      if ((m = EPC_PATTERNS.gdti.exec(body)) === null || m[1]!.length + m[2]!.length !== 12) return null;
      return `${DL}253/${withCheck(m[1]! + m[2]!)}${escapeDl(m[3]!)}`;
    }
    case 'cpi': {
      if ((m = EPC_PATTERNS.cpi.exec(body)) === null || m[1]!.length + units(m[2]!) > 30) return null;
      return `${DL}8010/${escapeDl(m[1]! + m[2]!)}/8011/${m[3]!}`;
    }
    case 'sgcn': {
      if ((m = EPC_PATTERNS.sgcn.exec(body)) === null || m[1]!.length + m[2]!.length !== 12) return null;
      return `${DL}255/${withCheck(m[1]! + m[2]!)}${m[3]!}`;
    }
    case 'ginc': {
      if ((m = EPC_PATTERNS.giai.exec(body)) === null || m[1]!.length + units(m[2]!) > 30) return null;
      return `${DL}401/${m[1]!}${escapeDl(m[2]!)}`;
    }
    case 'gsin': {
      if ((m = EPC_PATTERNS.gsin.exec(body)) === null || m[1]!.length + m[2]!.length !== 16) return null;
      return `${DL}402/${withCheck(m[1]! + m[2]!)}`;
    }
    case 'itip': {
      if ((m = EPC_PATTERNS.itip.exec(body)) === null || m[1]!.length + m[2]!.length !== 13) return null;
      return `${DL}8006/${gtin(m[1]!, m[2]!)}${m[3]!}${m[4]!}/21/${escapeDl(m[5]!)}`;
    }
    case 'upui': {
      if ((m = EPC_PATTERNS.upui.exec(body)) === null || m[1]!.length + m[2]!.length !== 13) return null;
      return `${DL}01/${gtin(m[1]!, m[2]!)}/235/${escapeDl(m[3]!)}`;
    }
    case 'pgln': {
      if ((m = EPC_PATTERNS.pgln.exec(body)) === null || m[1]!.length + m[2]!.length !== 12) return null;
      return `${DL}417/${withCheck(m[1]! + m[2]!)}`;
    }
    default:
      return null;
  }
}

function epcPatternToDl(scheme: string, body: string): string | null {
  let m: RegExpExecArray | null;
  switch (scheme) {
    case 'sgtin':
    case 'upui':
      if ((m = EPC_PATTERNS.patItem.exec(body)) === null || m[1]!.length + m[2]!.length !== 13) return null;
      return `${DL}01/${gtin(m[1]!, m[2]!)}`;
    case 'grai':
    case 'gdti':
    case 'sgcn': {
      if ((m = EPC_PATTERNS.patItem.exec(body)) === null || m[1]!.length + m[2]!.length !== 12) return null;
      if (scheme === 'grai') return `${DL}8003/${withCheck(`0${m[1]!}${m[2]!}`)}`;
      return `${DL}${scheme === 'gdti' ? '253' : '255'}/${withCheck(m[1]! + m[2]!)}`;
    }
    case 'cpi':
      if ((m = EPC_PATTERNS.patCpi.exec(body)) === null) return null;
      return `${DL}8010/${escapeDl(m[1]! + m[2]!)}`;
    case 'itip':
      if ((m = EPC_PATTERNS.patItip.exec(body)) === null || m[1]!.length + m[2]!.length !== 13) return null;
      return `${DL}8006/${gtin(m[1]!, m[2]!)}${m[3]!}${m[4]!}`;
    default:
      return null;
  }
}

const DL_KEYS = '01|gtin|8006|itip|8010|cpid|414|gln|417|party|8017|gsrnp|8018|gsrn|255|gcn|00|sscc|253|gdti|401|ginc|402|gsin|8003|grai|8004|giai';
/** Primary-key path segments (numeric AIs and their short names) that make a URI look like a GS1 Digital Link. */
const DL_KEY_SEGMENTS = new Set(DL_KEYS.split('|'));

/** Whether an http(s) URI has a `/<primary key>/dddd…` path segment pair before any query or fragment. */
function looksLikeDl(uri: string): boolean {
  const end = uri.length;
  let i = uri.indexOf('/', uri.startsWith('//', uri.indexOf(':') + 1) ? uri.indexOf(':') + 3 : 0);
  while (i >= 0 && i < end) {
    const next = uri.indexOf('/', i + 1);
    if (next < 0) return false;
    const c = uri.charCodeAt(i + 1);
    if (c === 63 || c === 35) return false; // '?' or '#': the path has ended
    if (DL_KEY_SEGMENTS.has(uri.slice(i + 1, next))) {
      let digits = 0;
      while (digits < 4 && isDigit(uri.charCodeAt(next + 1 + digits))) digits++;
      const after = uri.charCodeAt(next + 5);
      if (digits === 4 && next + 5 < end && after !== 47) return !uri.slice(0, next).includes('?') && !uri.slice(0, next).includes('#');
    }
    i = next;
  }
  return false;
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
const DL_SHORT_NAMES = /\/(gtin|itip|cpid|gln|party|gsrnp|gsrn|gcn|sscc|gdti|ginc|gsin|grai|giai|cpv|lot|ser)\//g;
const DL_AI_OF: Readonly<Record<string, string>> = {
  gtin: '01', itip: '8006', cpid: '8010', gln: '414', party: '417', gsrnp: '8017', gsrn: '8018', gcn: '255',
  sscc: '00', gdti: '253', ginc: '401', gsin: '402', grai: '8003', giai: '8004', cpv: '22', lot: '10', ser: '21',
};
const DL_CANONICAL_START = /^https:\/\/id\.gs1\.org\/(?:01|8006|8010|414|417|8017|8018|255|00|253|401|402|8003|8004)\/\d{4}[^/]/;
const DL_PRIMARY_KEYS = ['00', '01', '253', '255', '401', '402', '414', '417', '8003', '8004', '8006', '8010', '8017', '8018'];
/** The DL path character set the constrained form accepts (GS1 AI encodable set 82 minus URI delimiters). */
const C = "[\\x22\\x27\\x2D\\x2E\\x30-\\x39\\x3B-\\x3F\\x41-\\x5A\\x5F\\x61-\\x7A]";
const DL_CPV = new RegExp(`^https://id\\.gs1\\.org/(?:8006/\\d{18}|01/\\d{14})/22/((?:${C}|/){0,20})$`);
const DL_LOT_AND_SERIAL = new RegExp(`^(https://id\\.gs1\\.org/(?:8006/\\d{18}|01/\\d{14}))/10/${C}{0,20}(/21/${C}{0,20})$`);
const DL_VALID = new RegExp(
  '^https://id\\.gs1\\.org/(?:' +
    [
      '00/\\d{18}', `01/\\d{14}(?:/21/${C}{0,20}|/10/${C}{0,20}|/235/${C}{0,28})?`, `253/\\d{13}${C}{0,17}`,
      '255/\\d{13}\\d{0,12}', `401/${C}{0,30}`, '402/\\d{17}', `414/\\d{13}(?:/254/${C}{0,20})?`, '417/\\d{13}',
      `8003/\\d{14}${C}{0,16}`, `8004/${C}{0,30}`, `8006/\\d{18}(?:/21/${C}{0,20}|/10/${C}{0,20})?`,
      '8010/[\\x23\\x2D\\x2F\\x30-\\x39\\x41-\\x5A]{0,30}(?:/8011/\\d{0,12})?', '8017/\\d{18}', '8018/\\d{18}',
    ].join('|') +
    ')$',
);

/** Constrained canonical DL: id.gs1.org, numeric AIs, no query string, finest identification level only. */
function constrainDl(uri: string): string | null {
  if (!looksLikeDl(uri)) return null;
  let u = uri;
  const q = u.indexOf('?');
  if (q >= 0) u = u.slice(0, q);
  u = u.replace(DL_SHORT_NAMES, (_, name: string) => `/${DL_AI_OF[name]!}/`);
  if (!DL_CANONICAL_START.test(u)) {
    for (const key of DL_PRIMARY_KEYS) {
      const i = u.indexOf(`/${key}/`);
      if (i >= 0) {
        u = `https://id.gs1.org${u.slice(i)}`;
        break;
      }
    }
  }
  if (u.startsWith(`${DL}01/`)) {
    let digits = 0;
    while (digits < 14 && isDigit(u.charCodeAt(22 + digits))) digits++;
    if (digits === 13) u = `${DL}01/0${u.slice(22)}`;
    else if (digits === 12) u = `${DL}01/00${u.slice(22)}`;
    else if (digits >= 8 && digits < 12) u = `${DL}01/000000${u.slice(22)}`;
  }
  const cpv = DL_CPV.exec(u);
  if (cpv !== null) {
    const slash = cpv[1]!.indexOf('/');
    u = u.slice(0, u.indexOf('/22/')) + (slash < 0 ? '' : cpv[1]!.slice(slash));
  }
  const lotSerial = DL_LOT_AND_SERIAL.exec(u);
  if (lotSerial !== null) u = lotSerial[1]! + lotSerial[2]!;
  return DL_VALID.test(u) ? u : null;
}
