import { createHash } from 'node:crypto';
import { BoundedMap } from '../domain/bounded-map.ts';
import { DomainError, invalid } from '../domain/errors.ts';
import { consistencyProofRanges, foldSubtreeHashes, inclusionProofRanges, leafHash, perfectSubtreesOf, VerifiedSubtrees, verifyInclusion, type LeafRange } from '../domain/ledger/merkle.ts';
import { documentContext, eventHashId } from '../domain/epcis/event-hash.ts';
import { generateLedgerKey, ledgerPublicKey, signTreeHead, type SignedTreeHead } from '../domain/ledger/tree-head.ts';
import type { LedgerBundle } from '../domain/ledger/verify-bundle.ts';
import type { LedgerRepository } from '../storage/repositories/ledger.repository.ts';
import type { Actor } from './actor.ts';
import type { Deps } from './deps.ts';
import { presentEvent } from './query-events.ts';
import { traceUnit } from './trace-unit.ts';
import { eventVisibilityFor } from './visibility.ts';
import { recordAudit } from './record-audit.ts';

const PRIVATE_KEY = 'ledger.private_key';

/** Makes the ledger's Ed25519 key on first start and keeps it with the data (setting table); returns the PEM. */
export async function ensureLedgerKey(deps: Deps): Promise<string> {
  const existing = await deps.settings.find(PRIVATE_KEY);
  if (existing) return existing;
  const key = generateLedgerKey();
  await deps.settings.insertIfAbsent(PRIVATE_KEY, key.privateKeyPem);
  // Another process may have won the race: use whichever key is stored.
  return (await deps.settings.find(PRIVATE_KEY))!;
}

/** The current tree head, signed now. Public. */
export async function getTreeHead(deps: Deps): Promise<SignedTreeHead> {
  const pem = await ensureLedgerKey(deps);
  const state = await deps.ledger.state();
  return signTreeHead({ treeSize: state.treeSize, rootHash: state.root, timestamp: deps.now().toISOString() }, pem);
}

/** The ledger's public key, raw Ed25519 in base64. */
export async function getLedgerPublicKey(deps: Deps): Promise<string> {
  return Buffer.from(ledgerPublicKey(await ensureLedgerKey(deps))).toString('base64');
}

/**
 * The RFC 9162 inclusion proof of an event (by EPCIS eventID) in the tree of `treeSize` leaves (default: current).
 * Public: it reveals hashes only. @throws not_found `event_not_in_ledger`, invalid `bad_tree_size`
 */
export async function proveInclusion(deps: Deps, eventId: string, treeSize?: number) {
  const ledger = deps.ledger;
  const row = await deps.events.findEventByEventId(eventId, { kind: 'all' });
  const leaf = row && (await ledger.findLeafByEventRowId(row.id));
  if (!leaf) throw new DomainError('not_found', 'event_not_in_ledger', `No event ${eventId} in the ledger.`, { field: 'eventId' });
  const size = treeSize ?? (await ledger.state()).treeSize;
  const current = (await ledger.state()).treeSize;
  if (!Number.isSafeInteger(size) || size <= leaf.idx || size > current) {
    throw invalid('bad_tree_size', `treeSize must be greater than the leaf index ${leaf.idx} and at most the current size ${current}`, { field: 'treeSize' });
  }
  const auditPath = await rangeHashes(ledger, inclusionProofRanges(leaf.idx, size));
  return { eventHash: leaf.hashId, leafIndex: leaf.idx, treeSize: size, auditPath };
}

/** The RFC 9162 consistency proof between two tree sizes. Public. @throws invalid `bad_tree_size` */
export async function proveConsistency(deps: Deps, first: number, second: number) {
  const ledger = deps.ledger;
  const current = (await ledger.state()).treeSize;
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(second) || first < 0 || first > second || second > current) {
    throw invalid('bad_tree_size', `need 0 ≤ first ≤ second ≤ ${current} (the current size)`, { field: first > second || first < 0 ? 'first' : 'second' });
  }
  return { first, second, proof: await rangeHashes(ledger, consistencyProofRanges(first, second)) };
}

/**
 * A self-contained bundle proving the events a code's records consist of — every event of its trace (back to the
 * origins and forward to the holders) that the caller may see: each event as served, its ledger leaf and inclusion
 * proof, one signed tree head and the public key — checked offline by `suyuan verify`. Needs a key with the query
 * scope. @throws invalid (the code's fault, field `code`)
 */
export async function exportLedgerBundle(deps: Deps, actor: Actor, code: string): Promise<LedgerBundle> {
  const trace = await traceUnit(deps, actor, { code, direction: 'both' });
  const visibility = await eventVisibilityFor(deps, actor);
  const head = await getTreeHead(deps);
  const entries: LedgerBundle['entries'] = [];
  for (const step of trace.timeline) {
    // A firm's trace shows one hop beyond its own links; the bundle holds only events it may read in full.
    const row = await deps.events.findEventByEventId(step.eventId, visibility);
    if (!row) continue;
    const proof = await proveInclusion(deps, step.eventId, head.treeSize);
    entries.push({ event: presentEvent(row), eventHash: proof.eventHash, leafIndex: proof.leafIndex, auditPath: proof.auditPath });
  }
  await recordAudit(deps, actor, 'ledger.bundle', trace.root.code, 'ok', { events: entries.length });
  return { format: 'suyuan-ledger-bundle/v1', code: trace.root.code, treeHead: head, publicKey: head.publicKey, entries };
}

/** Each range's MTH, from the stored perfect subtrees, base64. */
async function rangeHashes(ledger: LedgerRepository, ranges: LeafRange[]): Promise<string[]> {
  const tiles = ranges.map(perfectSubtreesOf);
  const hashes = await ledger.subtreeHashes(tiles.flat());
  let at = 0;
  return tiles.map((t) => {
    const folded = foldSubtreeHashes(hashes.slice(at, at + t.length));
    at += t.length;
    return Buffer.from(folded).toString('base64');
  });
}

/** One event's standing against the ledger, as the public proof shows it. */
export interface LedgerCheck {
  eventRowId: string;
  eventHash: string | null;
  leafIndex: number | null;
  auditPath: string[];
  /** Null when the event's content still hashes to its leaf and the leaf is in the tree; else what failed. */
  fault: 'not_in_ledger' | 'content_altered' | 'not_included' | null;
}

export interface LedgerChecks {
  treeSize: number;
  rootHash: string;
  verified: boolean;
  checks: LedgerCheck[];
  /** A stored body read for the check (by event row id), parsed when first asked for: callers show few of them. */
  body(eventRowId: string): Record<string, unknown> | undefined;
}

/** Leaves (index and hash) whose inclusion this process has proved, by platform: an append-only tree keeps them included. */
const provedLeaves = new WeakMap<Deps, BoundedMap<string, true>>();
/** Bodies this process has seen hash (CBV 2.0) to their leaf: `leaf hash ‖ SHA-256 of the body text` → true. */
const matchedBodies = new WeakMap<Deps, BoundedMap<string, true>>();
/** Subtree hashes this process has verified against a root it read, by platform (the scan page's proofs climb to them). */
const verifiedSubtrees = new WeakMap<Deps, VerifiedSubtrees>();
const PROVED_LEAVES_KEPT = 200_000;

function memoOf<T>(memos: WeakMap<Deps, T>, deps: Deps, make: () => T): T {
  let memo = memos.get(deps);
  if (!memo) memos.set(deps, (memo = make()));
  return memo;
}

/**
 * Checks stored events against the integrity ledger now: each body must still hash (CBV 2.0) to its leaf, and each
 * leaf must be included in the current tree, against the root folded from the stored frontier.
 *
 * With audit paths (the public proof), each leaf gets its full RFC 9162 inclusion proof, verified against the root.
 * Without (the scan page, on every view), a leaf this process already proved included — same index, same hash — is not
 * proved again: the tree only grows, so what was included stays included, and a leaf altered in the store has another
 * hash and is proved afresh; and a new leaf is folded only up to its lowest ancestor already verified
 * ({@link VerifiedSubtrees}), a few stored nodes instead of a whole audit path. The content check reads the body every
 * time; a body text identical (SHA-256) to one already seen to hash to the same leaf is not canonicalised again, and any
 * change to the text is.
 */
export async function checkEventsAgainstLedger(deps: Deps, eventRowIds: readonly string[], options: { auditPaths?: boolean } = {}): Promise<LedgerChecks> {
  const wantPaths = options.auditPaths ?? true;
  const proved = memoOf(provedLeaves, deps, () => new BoundedMap<string, true>(PROVED_LEAVES_KEPT));
  const matched = memoOf(matchedBodies, deps, () => new BoundedMap<string, true>(PROVED_LEAVES_KEPT));
  // Both read after the events were found, so every found event's leaf is in the state's tree (one transaction
  // writes an event, its leaf and the state); independent, so on PostgreSQL one round trip's wait instead of two.
  const [state, leafRows] = await Promise.all([deps.ledger.state(), deps.ledger.listLeavesWithBodies(eventRowIds)]);
  const leaves = new Map(leafRows.map((l) => [l.eventRowId, l]));
  const inTree = eventRowIds.map((id) => leaves.get(id)).filter((l): l is NonNullable<typeof l> => l !== undefined && l.idx < state.treeSize);
  const included = new Map<string, boolean>();
  const pathOf = new Map<string, string[]>();
  if (wantPaths) {
    const paths = await rangeHashesMany(deps.ledger, inTree.map((l) => inclusionProofRanges(l.idx, state.treeSize)));
    inTree.forEach((l, i) => {
      pathOf.set(l.eventRowId, paths[i]!);
      included.set(l.eventRowId, verifyInclusion(leafHash(l.hashId), l.idx, state.treeSize, paths[i]!.map((p) => new Uint8Array(Buffer.from(p, 'base64'))), state.root));
    });
  } else {
    const verified = memoOf(verifiedSubtrees, deps, () => new VerifiedSubtrees());
    verified.addFrontier(state.frontier);
    const toProve = inTree.filter((l) => {
      const known = proved.has(`${l.idx}:${l.hashId}`);
      if (known) included.set(l.eventRowId, true);
      return !known;
    });
    const climbs = toProve.map((l) => verified.planClimb(l.idx, state.treeSize));
    const hashes = await deps.ledger.subtreeHashes(climbs.flatMap((c) => c.siblings));
    let at = 0;
    toProve.forEach((l, i) => {
      const siblings = climbs[i]!.siblings.length;
      const ok = verified.verify(climbs[i]!, leafHash(l.hashId), hashes.slice(at, (at += siblings)));
      if (ok) proved.set(`${l.idx}:${l.hashId}`, true);
      included.set(l.eventRowId, ok);
    });
  }
  const parsed = new Map<string, Record<string, unknown> | undefined>();
  const parse = (text: string) => {
    try {
      return JSON.parse(text) as Record<string, unknown>;
    } catch {
      return undefined;
    }
  };
  const checks = eventRowIds.map((eventRowId): LedgerCheck => {
    const leaf = leaves.get(eventRowId);
    if (!leaf || leaf.idx >= state.treeSize) return { eventRowId, eventHash: leaf?.hashId ?? null, leafIndex: leaf?.idx ?? null, auditPath: [], fault: 'not_in_ledger' };
    // The same body text as one already seen to hash to this leaf needs no parsing or canonicalising again (the costly
    // parts: an event naming 1,000 serials is 50 KB of JSON).
    const seenKey = wantPaths ? '' : `${leaf.hashId} ${createHash('sha256').update(leaf.body).digest('base64')}`;
    let content: string | null = null;
    if (seenKey && matched.has(seenKey)) {
      content = leaf.hashId;
    } else {
      const body = parse(leaf.body);
      parsed.set(eventRowId, body);
      content = body ? eventHashId(body, documentContext(body['@context'] ?? [])) : null;
    }
    if (seenKey && content === leaf.hashId) matched.set(seenKey, true);
    const fault = content !== leaf.hashId ? 'content_altered' : included.get(eventRowId) ? null : 'not_included';
    return { eventRowId, eventHash: leaf.hashId, leafIndex: leaf.idx, auditPath: pathOf.get(eventRowId) ?? [], fault };
  });
  const body = (eventRowId: string) => {
    if (!parsed.has(eventRowId)) {
      const text = leaves.get(eventRowId)?.body;
      parsed.set(eventRowId, text === undefined ? undefined : parse(text));
    }
    return parsed.get(eventRowId);
  };
  return { treeSize: state.treeSize, rootHash: Buffer.from(state.root).toString('base64'), verified: checks.length > 0 && checks.every((c) => c.fault === null), checks, body };
}

/** Audit paths of several proofs from one batched read of subtree hashes. */
async function rangeHashesMany(ledger: LedgerRepository, proofs: LeafRange[][]): Promise<string[][]> {
  const flat = proofs.flat();
  const hashes = await rangeHashes(ledger, flat);
  let at = 0;
  return proofs.map((p) => {
    const out = hashes.slice(at, at + p.length);
    at += p.length;
    return out;
  });
}
