import { withCheckDigit } from '../../src/core/demo/huizhou-chains.ts';

/** Fictitious China company prefix (697…), 7 digits, as the demo data uses. */
const GCP = '6970123';
const EPCIS_CONTEXT = 'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld';
const BIZ_STEPS = ['commissioning', 'packing', 'shipping', 'receiving', 'storing', 'accepting', 'inspecting', 'loading'];
const DISPOSITIONS: Record<string, string> = {
  commissioning: 'active', packing: 'in_progress', shipping: 'in_transit', receiving: 'in_progress',
  storing: 'sellable_not_accessible', accepting: 'in_progress', inspecting: 'in_progress', loading: 'in_transit',
};
const BASE_TIME = Date.UTC(2026, 0, 1);

/** What an ObjectEvent of the benchmark looks like: how many EPCs it names. */
export interface EventShape {
  /** EPCs in epcList (default 3). */
  epcs?: number;
  /** Serial numbers are offset by this, so that different runs can make disjoint events. */
  serialBase?: number;
}

const gtinCache = new Map<number, string>();
/** The GTIN-14 of product `p` under the test company prefix (indicator 0, item reference 5 digits). */
function gtin14(p: number): string {
  let g = gtinCache.get(p);
  if (!g) {
    g = withCheckDigit(`0${GCP}${String(p).padStart(5, '0')}`);
    gtinCache.set(p, g);
  }
  return g;
}

/**
 * The i-th benchmark ObjectEvent: distinct from every other i (serials and time), a few SGTINs in EPC URN or GS1
 * Digital Link form, SGLN read point and business location, a CBV bizStep and disposition, owning-party
 * source/destination lists and a purchase-order bizTransaction.
 */
export function benchObjectEvent(i: number, shape: EventShape = {}): Record<string, unknown> {
  const epcCount = shape.epcs ?? 3;
  const serialBase = (shape.serialBase ?? 0) + i * epcCount;
  const product = 1 + (i % 40);
  const site = 1 + (i % 25);
  const nextSite = 1 + ((i + 7) % 25);
  const step = BIZ_STEPS[i % BIZ_STEPS.length];
  const epcList: string[] = [];
  for (let k = 0; k < epcCount; k++) {
    const serial = serialBase + k;
    // Mix the two accepted input forms: three in four as EPC URN, one in four as a Digital Link URI.
    epcList.push(
      serial % 4 === 3
        ? `https://id.gs1.org/01/${gtin14(product)}/21/${serial}`
        : `urn:epc:id:sgtin:${GCP}.0${String(product).padStart(5, '0')}.${serial}`,
    );
  }
  const t = BASE_TIME + i * 1000;
  return {
    type: 'ObjectEvent',
    eventTime: new Date(t).toISOString().replace('Z', '+08:00').replace(/^(.{19})\.\d{3}/, '$1'),
    eventTimeZoneOffset: '+08:00',
    epcList,
    action: step === 'commissioning' ? 'ADD' : 'OBSERVE',
    bizStep: step,
    disposition: DISPOSITIONS[step],
    readPoint: { id: `urn:epc:id:sgln:${GCP}.${String(site).padStart(5, '0')}.0` },
    bizLocation: { id: `urn:epc:id:sgln:${GCP}.${String(site).padStart(5, '0')}.0` },
    bizTransactionList: [{ type: 'po', bizTransaction: `urn:epcglobal:cbv:bt:${withCheckDigit(`${GCP}00001`)}:PO-${100000 + Math.floor(i / 50)}` }],
    sourceList: [{ type: 'owning_party', source: `urn:epc:id:pgln:${GCP}.${String(site).padStart(5, '0')}` }],
    destinationList: [{ type: 'owning_party', destination: `urn:epc:id:pgln:${GCP}.${String(nextSite).padStart(5, '0')}` }],
  };
}

/** An EPCIS 2.0 capture document around the given events. */
export function epcisDocument(events: unknown[]): Record<string, unknown> {
  return {
    '@context': [EPCIS_CONTEXT],
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: '2026-01-01T00:00:00Z',
    epcisBody: { eventList: events },
  };
}

/** The opening and closing of a capture document, for writing one event by event. */
export function epcisDocumentParts(): { head: string; tail: string } {
  const marker = '"__EVENTS__"';
  const text = JSON.stringify(epcisDocument([])).replace('"eventList":[]', `"eventList":[${marker}]`);
  const [head, tail] = text.split(marker);
  return { head, tail };
}
