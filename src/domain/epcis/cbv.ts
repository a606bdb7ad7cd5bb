import { EPCIS_SCHEMA } from './schema.ts';

type Definitions = Record<string, { anyOf?: Array<{ enum?: string[] }> }>;
const defs = EPCIS_SCHEMA.definitions as Definitions;

function enumOf(name: string): readonly string[] {
  const values = defs[name]?.anyOf?.find((a) => a.enum)?.enum;
  if (!values) throw new Error(`schema definition ${name} has no enum`);
  return Object.freeze([...values]);
}

/** CBV 2.0 business steps, as the ratified schema lists them (bare names). */
export const BIZ_STEPS = enumOf('bizStep');
/** CBV 2.0 dispositions. */
export const DISPOSITIONS = enumOf('disposition');
/** CBV 2.0 source/destination types. */
export const SOURCE_DEST_TYPES = enumOf('source-dest-type');
/** CBV 2.0 business transaction types. */
export const BIZ_TRANSACTION_TYPES = enumOf('bizTransaction-type');
/** The five EPCIS 2.0 event types. */
export const EVENT_TYPES = ['ObjectEvent', 'AggregationEvent', 'TransactionEvent', 'TransformationEvent', 'AssociationEvent'] as const;

type Vocabulary = 'BizStep' | 'Disp' | 'SDT' | 'BTT';
const LISTS: Record<Vocabulary, { names: Set<string>; urn: string }> = {
  BizStep: { names: new Set(BIZ_STEPS), urn: 'urn:epcglobal:cbv:bizstep:' },
  Disp: { names: new Set(DISPOSITIONS), urn: 'urn:epcglobal:cbv:disp:' },
  SDT: { names: new Set(SOURCE_DEST_TYPES), urn: 'urn:epcglobal:cbv:sdt:' },
  BTT: { names: new Set(BIZ_TRANSACTION_TYPES), urn: 'urn:epcglobal:cbv:btt:' },
};

/**
 * One stored form per CBV term: the bare name (`shipping`) for standard terms, whichever way they were written
 * (bare, `cbv:BizStep-shipping`, `https://ref.gs1.org/cbv/BizStep-shipping`, `urn:epcglobal:cbv:bizstep:shipping`);
 * any other URI is kept as it is.
 */
export function normalizeCbv(value: string, vocabulary: Vocabulary): string {
  const list = LISTS[vocabulary];
  if (list.names.has(value)) return value;
  let name: string | undefined;
  if (value.startsWith(list.urn)) name = value.slice(list.urn.length);
  else if (value.startsWith(`https://ref.gs1.org/cbv/${vocabulary}-`)) name = value.slice(`https://ref.gs1.org/cbv/${vocabulary}-`.length);
  else if (value.startsWith(`cbv:${vocabulary}-`)) name = value.slice(`cbv:${vocabulary}-`.length);
  return name !== undefined && list.names.has(name) ? name : value;
}
