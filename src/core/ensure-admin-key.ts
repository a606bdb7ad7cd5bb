import { newId } from '../domain/ids.ts';
import { generateKey, hashKey } from './authenticate.ts';
import type { Deps } from './deps.ts';

/** On a store with no admin key and none in SUYUAN_ADMIN_KEY, makes one; returns the secret only when it was just made. */
export async function ensureAdminKey(deps: Deps): Promise<string | undefined> {
  if (deps.config.adminKey) return undefined;
  if ((await deps.keys.countAdminKeys()) > 0) return undefined;
  const { secret, prefix } = generateKey('admin');
  await deps.keys.insertKey({
    id: newId('key'),
    party_id: null,
    key_hash: hashKey(secret),
    prefix,
    scopes: JSON.stringify(['admin']),
    label: 'first administrator key',
    created_at: deps.now().toISOString(),
    revoked_at: null,
  });
  return secret;
}
