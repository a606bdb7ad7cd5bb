/** The kinds of party the registry knows (issue 2 §5); `regulator` accounts also carry a department and regions. */
export const PARTY_KINDS = [
  'farm', 'producer', 'processor', 'slaughterhouse', 'wholesaler', 'market', 'retailer', 'canteen', 'pharmacy',
  'hospital', 'importer', 'exporter', 'carrier', 'filling-station', 'lab', 'certifier', 'association',
  'e-commerce-platform', 'regulator',
] as const;

export type PartyKind = (typeof PARTY_KINDS)[number];

/** True when `s` names one of the registry's party kinds. */
export function isPartyKind(s: unknown): s is PartyKind {
  return typeof s === 'string' && (PARTY_KINDS as readonly string[]).includes(s);
}
