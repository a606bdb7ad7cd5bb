import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { DomainError } from '../domain/errors.ts';
import { SCOPES, type Actor, type PartyActor, type Scope } from './actor.ts';
import type { Deps } from './deps.ts';

/** SHA-256 hex of a key; keys carry 256 random bits, so a slow password hash would add nothing but latency. */
export function hashKey(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** A new random API key and the prefix shown in listings. */
export function generateKey(kind: 'admin' | 'party'): { secret: string; prefix: string } {
  const secret = `sy_${kind === 'admin' ? 'admin' : 'key'}_${randomBytes(32).toString('base64url')}`;
  return { secret, prefix: secret.slice(0, 12) };
}

/** Decides who is calling from the bearer token: no token is the public; an unknown or revoked one is refused. @throws unauthenticated `invalid_api_key` */
export async function authenticate(deps: Deps, bearer: string | undefined, ip?: string): Promise<Actor> {
  if (!bearer) return { kind: 'public', ip };
  const hash = hashKey(bearer);
  if (deps.config.adminKey && safeEqual(hash, hashKey(deps.config.adminKey))) {
    return { kind: 'admin', keyId: 'env:SUYUAN_ADMIN_KEY', ip };
  }
  const key = await deps.keys.findLiveKeyByHash(hash);
  if (!key) throw new DomainError('unauthenticated', 'invalid_api_key', 'The API key is not known or has been revoked.');
  if (!key.party) return { kind: 'admin', keyId: key.id, ip };
  const p = key.party;
  return {
    kind: 'party',
    keyId: key.id,
    partyId: p.id,
    partyKind: p.kind,
    partyUri: p.uri,
    region: p.region,
    scopes: (JSON.parse(key.scopes) as string[]).filter((s): s is Scope => (SCOPES as readonly string[]).includes(s)),
    department: p.department,
    regions: p.regions ? (JSON.parse(p.regions) as string[]) : [],
    ip,
  };
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** @throws unauthenticated `authentication_required` for the public, forbidden `admin_only` for others. */
export function requireAdmin(actor: Actor): void {
  if (actor.kind === 'admin') return;
  if (actor.kind === 'public') throw authenticationRequired();
  throw new DomainError('forbidden', 'admin_only', 'Only an administrator key may do this.');
}

/** A party key holding `scope`. @throws unauthenticated `authentication_required`, forbidden `missing_scope` */
export function requirePartyScope(actor: Actor, scope: Scope): PartyActor {
  if (actor.kind === 'public') throw authenticationRequired();
  if (actor.kind !== 'party') throw new DomainError('forbidden', 'party_key_required', 'This needs a party API key, not an administrator key.');
  if (!actor.scopes.includes(scope)) {
    throw new DomainError('forbidden', 'missing_scope', `This API key lacks the "${scope}" scope.`, { scope });
  }
  return actor;
}

/** A party key or an admin key holding `scope` (admins hold every scope). @throws unauthenticated, forbidden `missing_scope` */
export function requireScope(actor: Actor, scope: Scope): void {
  if (actor.kind === 'admin') return;
  requirePartyScope(actor, scope);
}

/** A regulator's key. @throws unauthenticated, forbidden `regulator_only` */
export function requireRegulator(actor: Actor): PartyActor {
  if (actor.kind === 'public') throw authenticationRequired();
  if (actor.kind !== 'party' || actor.partyKind !== 'regulator') {
    throw new DomainError('forbidden', 'regulator_only', 'Only a regulator account may do this.');
  }
  return actor;
}

function authenticationRequired(): DomainError {
  return new DomainError('unauthenticated', 'authentication_required', 'An API key is required: send "Authorization: Bearer <key>".');
}
