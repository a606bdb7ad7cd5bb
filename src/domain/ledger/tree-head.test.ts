import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { DomainError } from '../errors.ts';
import { leafHash, rootFromLeafHashes } from './merkle.ts';
import {
  generateLedgerKey,
  ledgerPublicKey,
  signTreeHead,
  treeHeadMessage,
  verifyTreeHead,
  type SignedTreeHead,
} from './tree-head.ts';

const isInvalid = (code: string) => (e: unknown) => e instanceof DomainError && e.kind === 'invalid' && e.code === code;
const rootHash = rootFromLeafHashes(['evt-a', 'evt-b', 'evt-c'].map((s) => leafHash(s)));
const timestamp = '2024-05-01T08:00:00.123Z';

describe('tree heads', () => {
  const key = generateLedgerKey();

  it('generates an Ed25519 key: PKCS#8 PEM and a raw 32-byte public key', () => {
    assert.match(key.privateKeyPem, /^-----BEGIN PRIVATE KEY-----/);
    assert.equal(createPrivateKey(key.privateKeyPem).asymmetricKeyType, 'ed25519');
    assert.ok(key.publicKeyRaw instanceof Uint8Array);
    assert.equal(key.publicKeyRaw.length, 32);
    assert.deepEqual(ledgerPublicKey(key.privateKeyPem), key.publicKeyRaw);
    assert.notDeepEqual(generateLedgerKey().publicKeyRaw, key.publicKeyRaw);
  });

  it('signs and verifies a tree head', () => {
    const head = signTreeHead({ treeSize: 3, rootHash, timestamp }, key.privateKeyPem);
    assert.equal(head.treeSize, 3);
    assert.equal(head.timestamp, timestamp);
    assert.equal(head.rootHash, Buffer.from(rootHash).toString('base64'));
    assert.equal(head.publicKey, Buffer.from(key.publicKeyRaw).toString('base64'));
    assert.equal(Buffer.from(head.signature, 'base64').length, 64);
    assert.equal(verifyTreeHead(head), true);
    assert.equal(verifyTreeHead(head, key.publicKeyRaw), true);
    assert.equal(verifyTreeHead(head, head.publicKey), true);
    assert.equal(verifyTreeHead(JSON.parse(JSON.stringify(head)) as SignedTreeHead), true, 'survives JSON');
  });

  it('signs exactly the documented message, checkable with plain node:crypto', () => {
    const head = signTreeHead({ treeSize: 0, rootHash: rootFromLeafHashes([]), timestamp: '2024-01-01T00:00:00Z' }, key.privateKeyPem);
    const message = `suyuan-tree-head:v1:0:2024-01-01T00:00:00Z:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=`;
    assert.equal(treeHeadMessage(head.treeSize, head.timestamp, head.rootHash), message);
    const pub = createPublicKey(key.privateKeyPem);
    assert.equal(verify(null, Buffer.from(message, 'utf8'), pub, Buffer.from(head.signature, 'base64')), true);
  });

  it('accepts a KeyObject as the private key', () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const head = signTreeHead({ treeSize: 1, rootHash, timestamp }, privateKey);
    assert.equal(verifyTreeHead(head), true);
  });

  it('detects tampering with any field', () => {
    const head = signTreeHead({ treeSize: 3, rootHash, timestamp }, key.privateKeyPem);
    const otherRoot = Buffer.from(rootFromLeafHashes([leafHash('evt-x')])).toString('base64');
    const sig = Buffer.from(head.signature, 'base64');
    sig[10] ^= 1;
    const tampered: Array<[string, SignedTreeHead]> = [
      ['treeSize', { ...head, treeSize: 4 }],
      ['rootHash', { ...head, rootHash: otherRoot }],
      ['timestamp', { ...head, timestamp: '2024-05-01T08:00:01.123Z' }],
      ['signature', { ...head, signature: sig.toString('base64') }],
      ['publicKey', { ...head, publicKey: Buffer.from(generateLedgerKey().publicKeyRaw).toString('base64') }],
    ];
    for (const [field, h] of tampered) assert.equal(verifyTreeHead(h), false, field);
  });

  it('refuses a head signed by a key other than the trusted one', () => {
    const other = generateLedgerKey();
    const forged = signTreeHead({ treeSize: 3, rootHash, timestamp }, other.privateKeyPem);
    assert.equal(verifyTreeHead(forged), true, 'self-consistent');
    assert.equal(verifyTreeHead(forged, key.publicKeyRaw), false);
    assert.equal(verifyTreeHead(forged, Buffer.from(key.publicKeyRaw).toString('base64')), false);
    assert.equal(verifyTreeHead(forged, 'not base64 of 32 bytes'), false);
  });

  it('returns false, never throws, on malformed heads', () => {
    const head = signTreeHead({ treeSize: 3, rootHash, timestamp }, key.privateKeyPem);
    const malformed: unknown[] = [
      null,
      {},
      { ...head, treeSize: -1 },
      { ...head, treeSize: '3' },
      { ...head, timestamp: '2024-05-01 08:00:00' },
      { ...head, timestamp: '2024-05-01T08:00:00+08:00' },
      { ...head, rootHash: 'AAAA' },
      { ...head, signature: '' },
      { ...head, publicKey: 'AAAA' },
      { ...head, rootHash: head.rootHash.replace(/=$/, '') },
    ];
    for (const h of malformed) assert.equal(verifyTreeHead(h as SignedTreeHead), false, JSON.stringify(h));
  });

  it('refuses to sign bad input with DomainError invalid', () => {
    const pem = key.privateKeyPem;
    assert.throws(() => signTreeHead({ treeSize: -1, rootHash, timestamp }, pem), isInvalid('invalid_tree_size'));
    assert.throws(() => signTreeHead({ treeSize: 1.5, rootHash, timestamp }, pem), isInvalid('invalid_tree_size'));
    assert.throws(() => signTreeHead({ treeSize: 1, rootHash: new Uint8Array(31), timestamp }, pem), isInvalid('invalid_root_hash'));
    assert.throws(
      () => signTreeHead({ treeSize: 1, rootHash, timestamp: '2024-05-01T16:00:00+08:00' }, pem),
      isInvalid('invalid_timestamp'),
    );
    for (const bad of ['2024-13-45T99:00:00Z', '2023-02-29T00:00:00Z', '2024-05-01T24:00:00Z']) {
      assert.throws(() => signTreeHead({ treeSize: 1, rootHash, timestamp: bad }, pem), isInvalid('invalid_timestamp'), bad);
    }
    assert.equal(verifyTreeHead(signTreeHead({ treeSize: 1, rootHash, timestamp: '2024-02-29T23:59:59Z' }, pem)), true);
    assert.throws(() => signTreeHead({ treeSize: 1, rootHash, timestamp }, 'not a pem'), isInvalid('invalid_ledger_key'));
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    assert.throws(() => signTreeHead({ treeSize: 1, rootHash, timestamp }, ec), isInvalid('invalid_ledger_key'));
  });
});
