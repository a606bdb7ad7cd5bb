/**
 * Signed tree heads of the integrity ledger: Ed25519 over the UTF-8 string
 * `suyuan-tree-head:v1:{treeSize}:{timestamp}:{rootHashBase64}`, so anyone holding the ledger's public key can check that
 * a root hash was published by the platform at that size and time (验证互认, requirement D2).
 *
 * @example
 * const key = generateLedgerKey();
 * const head = signTreeHead({ treeSize: 2, rootHash, timestamp: '2024-05-01T08:00:00Z' }, key.privateKeyPem);
 * verifyTreeHead(head, key.publicKeyRaw); // true
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { invalid } from '../errors.ts';
import { HASH_SIZE } from './merkle.ts';

/** A fresh ledger signing key: the private key as PKCS#8 PEM and the raw 32-byte Ed25519 public key. */
export interface LedgerKey {
  privateKeyPem: string;
  publicKeyRaw: Uint8Array;
}

/** What gets signed: the tree size, its root hash and the ISO-8601 UTC time of signing. */
export interface TreeHeadInput {
  treeSize: number;
  rootHash: Uint8Array;
  timestamp: string;
}

/** A signed tree head as published: binary fields in standard base64 (with padding). */
export interface SignedTreeHead {
  treeSize: number;
  rootHash: string;
  timestamp: string;
  signature: string;
  publicKey: string;
}

const ED25519_PUBLIC_KEY_SIZE = 32;
const ED25519_SIGNATURE_SIZE = 64;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z$/;

/** The exact string a tree head's signature covers. */
export function treeHeadMessage(treeSize: number, timestamp: string, rootHashBase64: string): string {
  return `suyuan-tree-head:v1:${treeSize}:${timestamp}:${rootHashBase64}`;
}

/** Generates a new Ed25519 ledger key. */
export function generateLedgerKey(): LedgerKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyRaw: rawPublicKey(publicKey),
  };
}

function rawPublicKey(publicKey: KeyObject): Uint8Array {
  const jwk = publicKey.export({ format: 'jwk' });
  return new Uint8Array(Buffer.from(jwk.x as string, 'base64url'));
}

function toPrivateKey(privateKey: string | KeyObject): KeyObject {
  let key: KeyObject;
  try {
    key = typeof privateKey === 'string' ? createPrivateKey(privateKey) : privateKey;
  } catch {
    throw invalid('invalid_ledger_key', 'The ledger private key cannot be read');
  }
  if (key.type !== 'private' || key.asymmetricKeyType !== 'ed25519') {
    throw invalid('invalid_ledger_key', 'The ledger key must be an Ed25519 private key');
  }
  return key;
}

/**
 * The raw 32-byte public key of a ledger private key (PEM or KeyObject).
 * @throws DomainError invalid `invalid_ledger_key`
 */
export function ledgerPublicKey(privateKey: string | KeyObject): Uint8Array {
  return rawPublicKey(createPublicKey(toPrivateKey(privateKey)));
}

/** True when `s` is an ISO-8601 UTC timestamp (`…Z`) naming a real instant. */
function isUtcTimestamp(s: unknown): s is string {
  if (typeof s !== 'string' || !ISO_UTC.test(s)) return false;
  const d = new Date(s);
  // Date.parse rolls 02-30 over into March; require the calendar fields to come back unchanged.
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 19) === s.slice(0, 19);
}

/**
 * Signs a tree head with the ledger's Ed25519 private key (PEM or KeyObject).
 * @throws DomainError invalid `invalid_tree_size` | `invalid_root_hash` | `invalid_timestamp` | `invalid_ledger_key`
 */
export function signTreeHead(input: TreeHeadInput, privateKey: string | KeyObject): SignedTreeHead {
  const { treeSize, rootHash, timestamp } = input;
  if (!Number.isSafeInteger(treeSize) || treeSize < 0) {
    throw invalid('invalid_tree_size', `Tree size must be a non-negative integer: ${treeSize}`);
  }
  if (!(rootHash instanceof Uint8Array) || rootHash.length !== HASH_SIZE) {
    throw invalid('invalid_root_hash', `A root hash must be ${HASH_SIZE} bytes`);
  }
  if (!isUtcTimestamp(timestamp)) {
    throw invalid('invalid_timestamp', `Timestamp must be ISO-8601 UTC (…Z): ${timestamp}`);
  }
  const key = toPrivateKey(privateKey);
  const rootHashB64 = Buffer.from(rootHash).toString('base64');
  const signature = sign(null, Buffer.from(treeHeadMessage(treeSize, timestamp, rootHashB64), 'utf8'), key);
  return {
    treeSize,
    rootHash: rootHashB64,
    timestamp,
    signature: signature.toString('base64'),
    publicKey: Buffer.from(rawPublicKey(createPublicKey(key))).toString('base64'),
  };
}

/** Decodes canonical standard base64 of an exact length, or undefined. */
function decodeBase64(s: unknown, length: number): Buffer | undefined {
  if (typeof s !== 'string') return undefined;
  const b = Buffer.from(s, 'base64');
  return b.length === length && b.toString('base64') === s ? b : undefined;
}

/**
 * Checks a signed tree head's signature against the key it names; pass `trustedPublicKey` (raw bytes or base64) to also
 * require that key — without it the check only proves the head is intact, not who signed it. Never throws.
 */
export function verifyTreeHead(head: SignedTreeHead, trustedPublicKey?: Uint8Array | string): boolean {
  if (typeof head !== 'object' || head === null) return false;
  const { treeSize, rootHash, timestamp, signature, publicKey } = head;
  if (!Number.isSafeInteger(treeSize) || treeSize < 0 || !isUtcTimestamp(timestamp)) return false;
  if (!decodeBase64(rootHash, HASH_SIZE)) return false;
  const sig = decodeBase64(signature, ED25519_SIGNATURE_SIZE);
  const pub = decodeBase64(publicKey, ED25519_PUBLIC_KEY_SIZE);
  if (!sig || !pub) return false;
  if (trustedPublicKey !== undefined) {
    const trusted =
      typeof trustedPublicKey === 'string' ? decodeBase64(trustedPublicKey, ED25519_PUBLIC_KEY_SIZE) : Buffer.from(trustedPublicKey);
    if (!trusted || !trusted.equals(pub)) return false;
  }
  try {
    const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: pub.toString('base64url') }, format: 'jwk' });
    return verify(null, Buffer.from(treeHeadMessage(treeSize, timestamp, rootHash), 'utf8'), key, sig);
  } catch {
    return false;
  }
}
