import { signTreeHead, type SignedTreeHead } from '../../domain/ledger/tree-head.ts';
import type { Deps } from '../deps.ts';
import { checkEventsAgainstLedger, ensureLedgerKey, getLedgerPublicKey, type LedgerChecks } from '../ledger.ts';
import { publicChainOf } from './view-scan.ts';
import type { ResolvedCode } from './resolve-code.ts';

/** The public proof of a scanned code's chain: hashes, leaves and audit paths only — no event content. */
export interface PublicProof {
  format: 'suyuan-public-proof/v1';
  code: string;
  treeHead: SignedTreeHead;
  publicKey: string;
  verified: boolean;
  entries: Array<{ eventId: string; time: string; step: string; eventHash: string | null; leafIndex: number | null; auditPath: string[]; fault: string | null }>;
}

/**
 * What the scan page's "verified" mark links to: every event of the public chain checked against the ledger now,
 * with its RFC 9162 inclusion proof and a tree head signed for exactly the tree the proofs were made against, so
 * anyone can recheck the inclusions offline.
 */
export async function proveChain(deps: Deps, code: ResolvedCode): Promise<PublicProof & { checks: LedgerChecks }> {
  const chain = await publicChainOf(deps, code);
  const checks = await checkEventsAgainstLedger(deps, chain.events.map((e) => e.rowId));
  const stepOf = new Map(chain.trace.timeline.map((s) => [s.eventId, s]));
  const treeHead = signTreeHead({ treeSize: checks.treeSize, rootHash: Buffer.from(checks.rootHash, 'base64'), timestamp: deps.now().toISOString() }, await ensureLedgerKey(deps));
  return {
    format: 'suyuan-public-proof/v1',
    code: code.unit,
    treeHead,
    publicKey: await getLedgerPublicKey(deps),
    verified: checks.verified,
    entries: chain.events.map((e, i) => {
      const c = checks.checks[i]!;
      const step = stepOf.get(e.eventId);
      return { eventId: e.eventId, time: step?.time ?? '', step: step?.bizStep ?? step?.kind ?? '', eventHash: c.eventHash, leafIndex: c.leafIndex, auditPath: c.auditPath, fault: c.fault };
    }).sort((a, b) => a.time.localeCompare(b.time)),
    checks,
  };
}
