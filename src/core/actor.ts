/** The API-key scopes a party key may carry. */
export type Scope = 'capture' | 'query';
export const SCOPES: readonly Scope[] = ['capture', 'query'];

/** Who is calling, decided once per request from its credentials. */
export type Actor = AdminActor | PartyActor | PublicActor;

export interface AdminActor {
  kind: 'admin';
  keyId: string;
  ip?: string;
}

export interface PartyActor {
  kind: 'party';
  keyId: string;
  partyId: string;
  partyKind: string;
  partyUri: string;
  region: string;
  scopes: readonly Scope[];
  /** For regulators: the lead department and the GB/T 2260 regions they cover. */
  department: string | null;
  regions: readonly string[];
  ip?: string;
}

export interface PublicActor {
  kind: 'public';
  ip?: string;
}

/** True when the party is a regulator account (kind `regulator`). */
export function isRegulator(actor: Actor): actor is PartyActor {
  return actor.kind === 'party' && actor.partyKind === 'regulator';
}

/** The actor's id as written to the audit log. */
export function actorId(actor: Actor): string | null {
  if (actor.kind === 'party') return actor.partyId;
  if (actor.kind === 'admin') return actor.keyId;
  return null;
}
