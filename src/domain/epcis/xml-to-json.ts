/**
 * EPCIS 2.0 (and 1.2) XML capture / query documents → EPCIS 2.0 JSON-shaped events, so that XML capture
 * and the event hash (event-hash.ts) share one path. Standard fields take their JSON-LD shape (lists become
 * arrays, `type` attributes become `type` keys, sensor attributes become fields, `extension` /
 * `baseExtension` wrappers are flattened); user extension elements keep their structure under Clark names
 * (`{namespace}local`), which the event hash accepts as already-expanded names.
 *
 * @example
 * const { events, context } = xmlToJsonEvents(xml);
 * const ids = events.map((e) => eventHashId(e, context));
 */
import { XMLParser } from 'fast-xml-parser';
import { invalid } from '../errors.ts';
import { documentContext, type JsonLdContext } from './event-hash.ts';

/** The events of one XML document, with the namespace context its values are read in. */
export interface XmlEpcisEvents {
  readonly events: Record<string, unknown>[];
  /**
   * Prefixes declared anywhere in the document (values such as `gs1:Temperature` are read with them),
   * and the fields named by a document-level `ignoreFields` element, if any.
   */
  readonly context: JsonLdContext;
}

type XNode = Record<string, unknown>;
const ATTRS = ':@';
const TEXT = '#text';

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

const EVENT_TYPES = new Set(['ObjectEvent', 'AggregationEvent', 'TransactionEvent', 'TransformationEvent', 'AssociationEvent']);
/** Standard lists whose entries are plain identifiers. */
const EPC_LISTS = new Set(['epcList', 'inputEPCList', 'outputEPCList', 'childEPCs']);
const QUANTITY_LISTS = new Set(['quantityList', 'childQuantityList', 'inputQuantityList', 'outputQuantityList']);
/** Standard lists whose entries carry a `type` attribute and the identifier as text. */
const TYPED_LISTS: Readonly<Record<string, string>> = { bizTransactionList: 'bizTransaction', sourceList: 'source', destinationList: 'destination' };

/** Parsed element: local or Clark name, attributes (Clark names for prefixed ones), element children, text. */
interface El {
  readonly name: string;
  readonly attrs: Record<string, string>;
  readonly children: El[];
  readonly text: string;
}

/**
 * Parse an EPCIS XML document (EPCISDocument or EPCISQueryDocument) into JSON-shaped events.
 * @throws invalid `epcis_xml_malformed` when the text is not well-formed XML or has no EventList.
 */
export function xmlToJsonEvents(xml: string): XmlEpcisEvents {
  let tree: XNode[];
  try {
    tree = parser.parse(xml, true) as XNode[];
  } catch (e) {
    throw invalid('epcis_xml_malformed', `EPCIS XML is not well-formed: ${(e as Error).message}`);
  }
  const prefixes: Record<string, string> = {};
  const roots = tree.map((n) => toEl(n, {}, prefixes)).filter((e): e is El => e !== null);
  const eventList = findFirst(roots, 'EventList');
  if (eventList === null) throw invalid('epcis_xml_malformed', 'EPCIS XML document has no EventList');
  const events: Record<string, unknown>[] = [];
  collectEvents(eventList.children, events);
  const ignore = findFirst(roots, 'ignoreFields', 'EventList');
  const ignoreFields = ignore === null ? [] : ignore.children.map((c) => c.name);
  return { events, context: documentContext([prefixes], { ignoreFields }) };
}

function localName(qname: string): [prefix: string | null, local: string] {
  const i = qname.indexOf(':');
  return i < 0 ? [null, qname] : [qname.slice(0, i), qname.slice(i + 1)];
}

/** Resolve names with the in-scope namespaces; record every prefix declaration for the document context. */
function toEl(node: XNode, scope: Readonly<Record<string, string>>, prefixes: Record<string, string>): El | null {
  const tag = Object.keys(node).find((k) => k !== ATTRS);
  if (tag === undefined || tag === TEXT) return null;
  const rawAttrs = (node[ATTRS] ?? {}) as Record<string, string>;
  let inScope = scope;
  for (const [k, v] of Object.entries(rawAttrs)) {
    if (k === 'xmlns' || k.startsWith('xmlns:')) {
      if (inScope === scope) inScope = { ...scope };
      const p = k === 'xmlns' ? '' : k.slice(6);
      (inScope as Record<string, string>)[p] = v;
      if (p !== '') prefixes[p] = v;
    }
  }
  const resolve = (qname: string, isAttr: boolean): string => {
    const [prefix, local] = localName(qname);
    if (prefix === null) {
      const dflt = isAttr ? undefined : inScope[''];
      return dflt === undefined || dflt === '' ? local : `{${dflt}}${local}`;
    }
    const ns = inScope[prefix];
    // EPCIS' own namespaces name standard elements (epcis:EPCISDocument…), not extensions.
    if (ns === undefined || ns.startsWith('urn:epcglobal:epcis')) return local;
    return `{${ns}}${local}`;
  };
  const attrs: Record<string, string> = {};
  for (const [k, v] of Object.entries(rawAttrs)) {
    if (k === 'xmlns' || k.startsWith('xmlns:') || k.startsWith('xsi:')) continue;
    attrs[resolve(k, true)] = v;
  }
  const children: El[] = [];
  let text = '';
  for (const child of (node[tag] ?? []) as XNode[]) {
    if (TEXT in child) text += String(child[TEXT]);
    else {
      const el = toEl(child, inScope, prefixes);
      if (el !== null) children.push(el);
    }
  }
  return { name: resolve(tag, false), attrs, children, text };
}

function findFirst(els: readonly El[], name: string, stopAt?: string): El | null {
  for (const el of els) {
    if (el.name === name || el.name.endsWith(`}${name}`)) return el;
    if (el.name === stopAt) continue;
    const found = findFirst(el.children, name, stopAt);
    if (found !== null) return found;
  }
  return null;
}

function collectEvents(children: readonly El[], out: Record<string, unknown>[]): void {
  for (const el of children) {
    if (EVENT_TYPES.has(el.name)) out.push(eventToJson(el));
    else if (el.name === 'extension') collectEvents(el.children, out); // EPCIS 1.x: <extension><TransformationEvent>
  }
}

/** `extension` / `baseExtension` wrappers (EPCIS 1.x) contribute their children to the parent. */
function flatten(children: readonly El[]): El[] {
  const out: El[] = [];
  for (const c of children) {
    if (c.name === 'extension' || c.name === 'baseExtension') out.push(...flatten(c.children));
    else out.push(c);
  }
  return out;
}

function eventToJson(el: El): Record<string, unknown> {
  const event: Record<string, unknown> = { type: el.name };
  const repeated = new Set<string>();
  for (const c of flatten(el.children)) add(event, repeated, c.name, fieldToJson(c));
  return event;
}

/** Add a value under a key; a repeated key becomes an array (`repeated` remembers which arrays are ours). */
function add(obj: Record<string, unknown>, repeated: Set<string>, key: string, value: unknown): void {
  if (!(key in obj)) obj[key] = value;
  else if (repeated.has(key)) (obj[key] as unknown[]).push(value);
  else {
    obj[key] = [obj[key], value];
    repeated.add(key);
  }
}

function fieldToJson(el: El): unknown {
  const children = flatten(el.children);
  if (EPC_LISTS.has(el.name)) return children.map((c) => c.text);
  if (QUANTITY_LISTS.has(el.name)) return children.map((c) => genericObject(c.attrs, flatten(c.children)));
  const entry = TYPED_LISTS[el.name];
  if (entry !== undefined) {
    return children.map((c) => {
      const o: Record<string, unknown> = {};
      if (c.attrs.type !== undefined) o.type = c.attrs.type;
      o[entry] = c.text;
      return o;
    });
  }
  if (el.name === 'sensorElementList') return children.map((c) => genericObject(c.attrs, flatten(c.children), new Set(['sensorReport'])));
  if (el.name === 'persistentDisposition') return genericObject(el.attrs, children, new Set(['set', 'unset']));
  if (el.name === 'readPoint' || el.name === 'bizLocation') return genericObject(el.attrs, children);
  return genericValue(el);
}

/** Element with neither attributes nor children → its text; otherwise an object. */
function genericValue(el: El): unknown {
  if (el.children.length === 0 && Object.keys(el.attrs).length === 0) return el.text;
  const o = genericObject(el.attrs, flatten(el.children));
  if (el.text !== '') o['#text'] = el.text;
  return o;
}

/** Attributes and child elements as one object; names in `arrays` always become arrays (standard repeatables). */
function genericObject(attrs: Record<string, string>, children: readonly El[], arrays?: ReadonlySet<string>): Record<string, unknown> {
  const o: Record<string, unknown> = { ...attrs };
  const repeated = new Set<string>();
  for (const c of children) {
    const v = genericValue(c);
    if (arrays?.has(c.name)) {
      const existing = o[c.name];
      if (Array.isArray(existing)) existing.push(v);
      else o[c.name] = [v];
    } else add(o, repeated, c.name, v);
  }
  return o;
}
