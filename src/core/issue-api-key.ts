import { DomainError, invalid } from '../domain/errors.ts';
import { newId } from '../domain/ids.ts';
import { SCOPES, type Actor } from './actor.ts';
import { generateKey, hashKey, requireAdmin } from './authenticate.ts';
import type { Deps } from './deps.ts';
import { recordAudit } from './record-audit.ts';

export interface ApiKeyView {
  id: string;
  partyId: string;
  prefix: string;
  scopes: string[];
  label: string | null;
  createdAt: string;
  revokedAt: string | null;
}

/** Issues an API key to a party; the secret is returned this once and only its hash is kept. @throws not_found `party_not_found`, invalid `unknown_scope` */
export async function issueApiKey(
  deps: Deps,
  actor: Actor,
  partyId: string,
  input: { scopes: string[]; label?: string },
): Promise<ApiKeyView & { key: string }> {
  requireAdmin(actor);
  const party = await deps.parties.findPartyById(partyId);
  if (!party) throw new DomainError('not_found', 'party_not_found', `No party ${partyId}.`, { field: 'id' });
  if (!input.scopes?.length) throw invalid('missing_field', 'scopes must name at least one scope', { field: 'scopes' });
  input.scopes.forEach((s, i) => {
    if (!(SCOPES as readonly string[]).includes(s)) {
      throw invalid('unknown_scope', `scopes[${i}] "${s}" is not one of ${SCOPES.join(', ')}`, { field: `scopes[${i}]` });
    }
  });
  const { secret, prefix } = generateKey('party');
  const id = newId('key');
  const now = deps.now().toISOString();
  const scopes = [...new Set(input.scopes)];
  await deps.keys.insertKey({
    id, party_id: partyId, key_hash: hashKey(secret), prefix, scopes: JSON.stringify(scopes),
    label: input.label ?? null, created_at: now, revoked_at: null,
  });
  await recordAudit(deps, actor, 'api_key.issue', id, 'ok', { partyId, scopes });
  return { id, key: secret, partyId, prefix, scopes, label: input.label ?? null, createdAt: now, revokedAt: null };
}

/** Revokes a key at once; later requests with it get 401. @throws not_found `api_key_not_found` */
export async function revokeApiKey(deps: Deps, actor: Actor, keyId: string): Promise<ApiKeyView> {
  requireAdmin(actor);
  const key = await deps.keys.findKeyById(keyId);
  if (!key || !key.party_id) throw new DomainError('not_found', 'api_key_not_found', `No party API key ${keyId}.`, { field: 'keyId' });
  const now = deps.now().toISOString();
  if (!key.revoked_at) await deps.keys.revokeKey(keyId, now);
  await recordAudit(deps, actor, 'api_key.revoke', keyId, 'ok', { partyId: key.party_id });
  return {
    id: key.id, partyId: key.party_id, prefix: key.prefix, scopes: JSON.parse(key.scopes), label: key.label,
    createdAt: key.created_at, revokedAt: key.revoked_at ?? now,
  };
}

/** The keys of a party, without secrets. */
export async function listApiKeys(deps: Deps, actor: Actor, partyId: string): Promise<ApiKeyView[]> {
  requireAdmin(actor);
  const keys = await deps.keys.listKeysOfParty(partyId);
  await recordAudit(deps, actor, 'api_key.list', partyId);
  return keys.map((k) => ({
    id: k.id, partyId: k.party_id!, prefix: k.prefix, scopes: JSON.parse(k.scopes), label: k.label,
    createdAt: k.created_at, revokedAt: k.revoked_at,
  }));
}
