import { documentContext, eventHashId } from '../epcis/event-hash.ts';
import { leafHash, verifyInclusion } from './merkle.ts';
import { verifyTreeHead, type SignedTreeHead } from './tree-head.ts';

/** What `GET /api/v1/ledger/bundle` exports and `suyuan verify` checks offline. */
export interface LedgerBundle {
  format: 'suyuan-ledger-bundle/v1';
  code?: string;
  treeHead: SignedTreeHead;
  /** The platform's public key (raw Ed25519, base64), also published at /api/v1/ledger/tree-head. */
  publicKey: string;
  entries: Array<{
    /** The event as the platform serves it. */
    event: Record<string, unknown>;
    /** The ledger leaf: the event's CBV 2.0 hash ID when it was captured. */
    eventHash: string;
    leafIndex: number;
    auditPath: string[];
  }>;
}

export interface BundleVerification {
  ok: boolean;
  /** One line per check, each starting with "ok" or "FAIL". */
  report: string[];
}

/**
 * Checks a bundle without any network: the tree head's Ed25519 signature (against `trustedPublicKey` when given,
 * else the bundle's own key), then for every event that its content still hashes to its ledger leaf and that the leaf
 * is included in the signed tree. Never throws; says exactly what fails.
 */
export function verifyBundle(bundle: LedgerBundle, trustedPublicKey?: string): BundleVerification {
  const report: string[] = [];
  let ok = true;
  const check = (pass: boolean, what: string) => {
    report.push(`${pass ? 'ok  ' : 'FAIL'} ${what}`);
    if (!pass) ok = false;
    return pass;
  };
  if (!bundle || bundle.format !== 'suyuan-ledger-bundle/v1' || !Array.isArray(bundle.entries) || !bundle.treeHead) {
    return { ok: false, report: ['FAIL not a suyuan-ledger-bundle/v1 document'] };
  }
  const head = bundle.treeHead;
  const key = trustedPublicKey ?? bundle.publicKey;
  const headOk = check(
    verifyTreeHead(head, key),
    `tree head (size ${head.treeSize}, ${head.timestamp}) is signed by ${trustedPublicKey ? 'the trusted key' : "the bundle's key"} ${key}`,
  );
  const root = Buffer.from(String(head.rootHash), 'base64');
  for (const [i, entry] of bundle.entries.entries()) {
    const name = `event ${i} (${String(entry.event?.eventID ?? '?')})`;
    let recomputed: string;
    try {
      recomputed = eventHashId(entry.event, documentContext(entry.event['@context'] ?? []));
    } catch (err) {
      check(false, `${name}: its content cannot be hashed: ${(err as Error).message}`);
      continue;
    }
    const contentOk = check(recomputed === entry.eventHash, `${name}: content hashes to its ledger leaf${recomputed === entry.eventHash ? '' : ` (leaf ${entry.eventHash}, content ${recomputed}): the event was altered`}`);
    const path = (entry.auditPath ?? []).map((p) => new Uint8Array(Buffer.from(p, 'base64')));
    const included = verifyInclusion(leafHash(entry.eventHash), entry.leafIndex, head.treeSize, path, root);
    check(included, `${name}: leaf ${entry.leafIndex} is included in the signed tree of size ${head.treeSize}`);
    if (!contentOk || !included) ok = false;
  }
  if (!headOk) ok = false;
  return { ok, report };
}
