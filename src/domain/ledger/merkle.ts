/**
 * The integrity ledger's Merkle tree, exactly as RFC 9162 (Certificate Transparency 2.0) §2.1 defines it:
 * leaf hash = SHA-256(0x00 ‖ leaf), interior node = SHA-256(0x01 ‖ left ‖ right), MTH({}) = SHA-256("").
 * The leaves of the Suyuan ledger are event hash ids, hashed as their UTF-8 bytes.
 *
 * @example
 * const hashes = ['ni:///sha-256;aa…', 'ni:///sha-256;bb…'].map(leafHash);
 * const root = rootFromLeafHashes(hashes);
 * verifyInclusion(hashes[1], 1, 2, inclusionProof(hashes, 1, 2), root); // true
 */
import { createHash } from 'node:crypto';
import { BoundedMap } from '../bounded-map.ts';
import { DomainError, invalid } from '../errors.ts';

/** Bytes in every hash of the tree (SHA-256). */
export const HASH_SIZE = 32;

const LEAF_PREFIX = Uint8Array.of(0x00);
const NODE_PREFIX = Uint8Array.of(0x01);
const UTF8 = new TextEncoder();

function sha256(...parts: Uint8Array[]): Uint8Array {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

/** The root of the empty tree, SHA-256 of the empty string (a fresh copy each call). */
export function emptyRootHash(): Uint8Array {
  return sha256();
}

/** RFC 9162 leaf hash SHA-256(0x00 ‖ leaf); a string leaf is hashed as its UTF-8 bytes. */
export function leafHash(leaf: string | Uint8Array): Uint8Array {
  return sha256(LEAF_PREFIX, typeof leaf === 'string' ? UTF8.encode(leaf) : leaf);
}

/** RFC 9162 interior node hash SHA-256(0x01 ‖ left ‖ right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256(NODE_PREFIX, left, right);
}

/** True when both byte arrays hold the same bytes. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

/** The largest power of two strictly below n (n ≥ 2): the split point k of RFC 9162 §2.1.1. */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function isSize(n: unknown): n is number {
  return Number.isSafeInteger(n) && (n as number) >= 0;
}

function isHash(h: unknown): h is Uint8Array {
  return h instanceof Uint8Array && h.length === HASH_SIZE;
}

/** MTH over leafHashes[start, end), end > start. */
function subtreeHash(leafHashes: readonly Uint8Array[], start: number, end: number): Uint8Array {
  if (end - start === 1) return leafHashes[start];
  const k = splitPoint(end - start);
  return nodeHash(subtreeHash(leafHashes, start, start + k), subtreeHash(leafHashes, start + k, end));
}

/** The Merkle Tree Hash (RFC 9162 §2.1.1) of a list of leaf hashes; the empty list gives SHA-256(""). */
export function rootFromLeafHashes(hashes: readonly Uint8Array[]): Uint8Array {
  if (hashes.length === 0) return emptyRootHash();
  return subtreeHash(hashes, 0, hashes.length);
}

/** A run of leaves [start, end) whose MTH is one element of a proof. */
export interface LeafRange {
  readonly start: number;
  readonly end: number;
}

/**
 * The leaf ranges whose MTHs make up the inclusion proof PATH(index, D[treeSize]) of RFC 9162 §2.1.3.1, in proof order.
 * Lets a store that can only fetch hashes lazily build the proof: fetch each range's MTH (see perfectSubtreesOf).
 * @throws DomainError invalid `invalid_tree_size` | `index_out_of_range`
 */
export function inclusionProofRanges(index: number, treeSize: number): LeafRange[] {
  if (!isSize(treeSize)) throw invalid('invalid_tree_size', `Tree size must be a non-negative integer: ${treeSize}`);
  if (!isSize(index) || index >= treeSize) {
    throw invalid('index_out_of_range', `Leaf index ${index} is outside a tree of ${treeSize} leaves`, { index, treeSize });
  }
  const out: LeafRange[] = [];
  const path = (m: number, start: number, end: number): void => {
    const n = end - start;
    if (n <= 1) return;
    const k = splitPoint(n);
    if (m < k) {
      path(m, start, start + k);
      out.push({ start: start + k, end });
    } else {
      path(m - k, start + k, end);
      out.push({ start, end: start + k });
    }
  };
  path(index, 0, treeSize);
  return out;
}

/**
 * The leaf ranges whose MTHs make up the consistency proof PROOF(first, D[second]) of RFC 9162 §2.1.4.1, in proof order.
 * Empty when first is 0 or first equals second.
 * @throws DomainError invalid `invalid_tree_size`
 */
export function consistencyProofRanges(first: number, second: number): LeafRange[] {
  if (!isSize(first) || !isSize(second) || first > second) {
    throw invalid('invalid_tree_size', `Need 0 ≤ first ≤ second, got first=${first}, second=${second}`, { first, second });
  }
  const out: LeafRange[] = [];
  if (first === 0 || first === second) return out;
  const subproof = (m: number, start: number, end: number, haveRoot: boolean): void => {
    const n = end - start;
    if (m === n) {
      if (!haveRoot) out.push({ start, end });
      return;
    }
    const k = splitPoint(n);
    if (m <= k) {
      subproof(m, start, start + k, haveRoot);
      out.push({ start: start + k, end });
    } else {
      subproof(m - k, start + k, end, false);
      out.push({ start, end: start + k });
    }
  };
  subproof(first, 0, second, true);
  return out;
}

function checkLeafHashes(leafHashes: readonly Uint8Array[], treeSize: number): void {
  if (treeSize > leafHashes.length) {
    throw invalid('invalid_tree_size', `Tree size ${treeSize} exceeds the ${leafHashes.length} leaf hashes given`, {
      treeSize,
      available: leafHashes.length,
    });
  }
}

/**
 * The inclusion proof of leaf `index` in the tree made of the first `treeSize` leaf hashes (RFC 9162 §2.1.3.1).
 * @throws DomainError invalid `invalid_tree_size` | `index_out_of_range`
 */
export function inclusionProof(leafHashes: readonly Uint8Array[], index: number, treeSize: number): Uint8Array[] {
  const ranges = inclusionProofRanges(index, treeSize);
  checkLeafHashes(leafHashes, treeSize);
  return ranges.map((r) => subtreeHash(leafHashes, r.start, r.end));
}

/**
 * The consistency proof between the trees of the first `first` and the first `second` leaf hashes (RFC 9162 §2.1.4.1).
 * @throws DomainError invalid `invalid_tree_size`
 */
export function consistencyProof(leafHashes: readonly Uint8Array[], first: number, second: number): Uint8Array[] {
  const ranges = consistencyProofRanges(first, second);
  checkLeafHashes(leafHashes, second);
  return ranges.map((r) => subtreeHash(leafHashes, r.start, r.end));
}

/** A perfect (power-of-two sized, aligned) subtree: leaves [index·2^level, (index+1)·2^level). */
export interface SubtreeNode {
  readonly level: number;
  readonly index: number;
}

/**
 * The perfect subtrees, left to right, that tile a proof range; folding their hashes with foldSubtreeHashes gives the
 * range's MTH. A store that keeps every perfect node (see MerkleFrontier.append's onNode) answers any proof in O(log² n).
 * @throws DomainError invalid `invalid_range` when the range is not one a proof can ask for
 */
export function perfectSubtreesOf(range: LeafRange): SubtreeNode[] {
  const { start, end } = range;
  const width = end - start;
  if (!isSize(start) || !isSize(end) || width <= 0) {
    throw invalid('invalid_range', `Not a leaf range: [${start}, ${end})`, { start, end });
  }
  let ceil = 1;
  while (ceil < width) ceil *= 2;
  // Every range in an RFC 9162 proof starts on a multiple of the power of two that covers it.
  if (start % ceil !== 0) throw invalid('invalid_range', `Range [${start}, ${end}) is not a Merkle subtree`, { start, end });
  const out: SubtreeNode[] = [];
  let at = start;
  for (let size = ceil, level = Math.log2(ceil); size >= 1; size /= 2, level--) {
    if (at + size <= end) {
      out.push({ level, index: at / size });
      at += size;
    }
  }
  return out;
}

/** Folds perfect-subtree hashes, left to right as perfectSubtreesOf lists them, into their MTH (right-most pairs first). */
export function foldSubtreeHashes(hashes: readonly Uint8Array[]): Uint8Array {
  if (hashes.length === 0) throw invalid('invalid_range', 'Nothing to fold');
  let r = hashes[hashes.length - 1];
  for (let i = hashes.length - 2; i >= 0; i--) r = nodeHash(hashes[i], r);
  return r;
}

const odd = (x: number): boolean => x % 2 === 1;
const half = (x: number): number => Math.floor(x / 2);

/**
 * Verifies an inclusion proof with the algorithm of RFC 9162 §2.1.3.2. Malformed input gives false, never a throw.
 */
export function verifyInclusion(
  leafHash: Uint8Array,
  index: number,
  treeSize: number,
  path: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  if (!isSize(index) || !isSize(treeSize) || index >= treeSize) return false;
  if (!isHash(leafHash) || !isHash(root) || !Array.isArray(path) || !path.every(isHash)) return false;
  let fn = index;
  let sn = treeSize - 1;
  let r = leafHash;
  for (const p of path) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      r = nodeHash(p, r);
      if (!odd(fn)) {
        while (!odd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && bytesEqual(r, root);
}

/**
 * Verifies a consistency proof with the algorithm of RFC 9162 §2.1.4.2. As in CT implementations, equal sizes need an
 * empty proof and equal roots, and size 0 is consistent with every tree given an empty proof. Malformed input gives false.
 */
export function verifyConsistency(
  first: number,
  second: number,
  firstRoot: Uint8Array,
  secondRoot: Uint8Array,
  proof: readonly Uint8Array[],
): boolean {
  if (!isSize(first) || !isSize(second) || first > second) return false;
  if (!Array.isArray(proof) || !proof.every(isHash)) return false;
  if (first === second) return proof.length === 0 && isHash(firstRoot) && bytesEqual(firstRoot, secondRoot);
  if (first === 0) return proof.length === 0;
  if (!isHash(firstRoot) || !isHash(secondRoot)) return false;
  if (proof.length === 0) return false;

  // Step 2: when first is a power of two its root is a node of the second tree and is not repeated in the proof.
  const path = isPowerOfTwo(first) ? [firstRoot, ...proof] : proof;
  let fn = first - 1;
  let sn = second - 1;
  while (odd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0];
  let sr = path[0];
  for (let i = 1; i < path.length; i++) {
    const c = path[i];
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (!odd(fn)) {
        while (!odd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && bytesEqual(fr, firstRoot) && bytesEqual(sr, secondRoot);
}

function isPowerOfTwo(n: number): boolean {
  if (n < 1) return false;
  while (n % 2 === 0) n /= 2;
  return n === 1;
}

function popCount(n: number): number {
  let c = 0;
  for (let x = n; x > 0; x = half(x)) if (odd(x)) c++;
  return c;
}

/** The serialised form of a MerkleFrontier: the tree size and the base64 hashes of its perfect subtrees, left to right. */
export interface MerkleFrontierJson {
  size: number;
  hashes: string[];
}

/** A completed perfect subtree reported by MerkleFrontier.append. */
export interface CompletedNode extends SubtreeNode {
  readonly hash: Uint8Array;
}

/**
 * The compact range [0, size) of an append-only tree: one hash per 1-bit of size, the perfect subtrees of the tree's
 * left edge. Appending a leaf costs O(log n) hashes and the root needs no old leaf, which is what capture needs.
 *
 * @example
 * const f = new MerkleFrontier();
 * f.append(leafHash('evt-1')); f.append(leafHash('evt-2'));
 * f.root(); // equals rootFromLeafHashes([leafHash('evt-1'), leafHash('evt-2')])
 */
export class MerkleFrontier {
  #size = 0;
  /** Perfect-subtree hashes, largest (left-most) first; their sizes are the binary digits of #size. */
  #hashes: Uint8Array[] = [];

  /** A frontier over these leaf hashes. */
  static fromLeafHashes(leafHashes: readonly Uint8Array[]): MerkleFrontier {
    const f = new MerkleFrontier();
    for (const h of leafHashes) f.append(h);
    return f;
  }

  /**
   * Restores a frontier saved with toJSON.
   * @throws DomainError invalid `invalid_frontier`
   */
  static fromJSON(json: unknown): MerkleFrontier {
    const bad = (why: string): DomainError => invalid('invalid_frontier', `Invalid Merkle frontier: ${why}`);
    if (typeof json !== 'object' || json === null) throw bad('not an object');
    const { size, hashes } = json as Record<string, unknown>;
    if (!isSize(size)) throw bad('size must be a non-negative integer');
    if (!Array.isArray(hashes) || hashes.length !== popCount(size)) throw bad('need one hash per 1-bit of size');
    const f = new MerkleFrontier();
    f.#hashes = hashes.map((s) => {
      if (typeof s !== 'string') throw bad('hashes must be base64 strings');
      const b = Buffer.from(s, 'base64');
      if (b.length !== HASH_SIZE || b.toString('base64') !== s) throw bad('each hash must be 32 bytes in canonical base64');
      return new Uint8Array(b);
    });
    f.#size = size;
    return f;
  }

  /** Number of leaves appended so far. */
  get size(): number {
    return this.#size;
  }

  /**
   * Appends one leaf hash; onNode, when given, sees every perfect subtree this completes (the leaf itself at level 0,
   * then each merged parent), so a store can keep them for lazy proofs.
   * @throws DomainError invalid `invalid_hash`
   */
  append(leafHash: Uint8Array, onNode?: (node: CompletedNode) => void): void {
    if (!isHash(leafHash)) throw invalid('invalid_hash', `A leaf hash must be ${HASH_SIZE} bytes`);
    const position = this.#size;
    let h: Uint8Array = Uint8Array.from(leafHash);
    let level = 0;
    onNode?.({ level, index: position, hash: h });
    // Each trailing 1-bit of the old size is a perfect subtree of the same height waiting for a right sibling.
    for (let s = position; odd(s); s = half(s)) {
      h = nodeHash(this.#hashes.pop() as Uint8Array, h);
      level++;
      onNode?.({ level, index: Math.floor(position / 2 ** level), hash: h });
    }
    this.#hashes.push(h);
    this.#size = position + 1;
  }

  /** The current root hash (MTH of all appended leaves). */
  root(): Uint8Array {
    if (this.#hashes.length === 0) return emptyRootHash();
    return foldSubtreeHashes(this.#hashes);
  }

  /** The perfect subtrees of the frontier, left to right, with where they sit in the tree. */
  subtrees(): CompletedNode[] {
    const out: CompletedNode[] = [];
    let start = 0;
    let i = 0;
    for (let level = Math.floor(Math.log2(this.#size || 1)); level >= 0; level--) {
      const width = 2 ** level;
      if (Math.floor(this.#size / width) % 2 === 0) continue;
      out.push({ level, index: start / width, hash: this.#hashes[i++] });
      start += width;
    }
    return out;
  }

  /** An independent copy. */
  clone(): MerkleFrontier {
    return MerkleFrontier.fromJSON(this.toJSON());
  }

  /** The serialisable state: size and perfect-subtree hashes in base64. */
  toJSON(): MerkleFrontierJson {
    return { size: this.#size, hashes: this.#hashes.map((h) => Buffer.from(h).toString('base64')) };
  }
}

/** What one leaf needs to be shown included through {@link VerifiedSubtrees}: the sibling subtrees to read, lowest first. */
export interface InclusionClimb {
  readonly index: number;
  readonly siblings: SubtreeNode[];
  /** The verified subtree the climb ends at, and its hash as known when the climb was planned. */
  readonly anchor: SubtreeNode;
  readonly anchorHash: Uint8Array;
}

/**
 * Perfect-subtree hashes known to belong to a tree: those of its frontier (the root is folded from them), and every
 * subtree on a path that was folded up to one of them. A perfect subtree of an append-only tree never changes, so what
 * is verified once stays verified as the tree grows; a later leaf then needs only the siblings up to its lowest verified
 * ancestor instead of a whole RFC 9162 audit path (about log2 n nodes), and a leaf altered in the store folds to another
 * hash and fails there. Bounded ({@link BoundedMap}; the frontier's are re-added on every use).
 */
export class VerifiedSubtrees {
  readonly #hashes: BoundedMap<number, Uint8Array>;

  constructor(capacity = 65_536) {
    this.#hashes = new BoundedMap(capacity);
  }

  get size(): number {
    return this.#hashes.size;
  }

  /** Takes the frontier of the current tree as verified: the root it folds to is what leaves are checked against. */
  addFrontier(frontier: MerkleFrontier): void {
    for (const node of frontier.subtrees()) this.#hashes.set(key(node.level, node.index), node.hash);
  }

  /**
   * The climb of leaf `index` in a tree of `treeSize` leaves whose frontier was added: up through its perfect ancestors
   * until one is verified. @throws DomainError invalid `index_out_of_range`, `frontier_not_added`
   */
  planClimb(index: number, treeSize: number): InclusionClimb {
    if (!isSize(index) || !isSize(treeSize) || index >= treeSize) {
      throw invalid('index_out_of_range', `Leaf index ${index} is outside a tree of ${treeSize} leaves`, { index, treeSize });
    }
    const siblings: SubtreeNode[] = [];
    for (let level = 0; ; level++) {
      const at = Math.floor(index / 2 ** level);
      if ((at + 1) * 2 ** level > treeSize) {
        throw invalid('frontier_not_added', `No verified subtree holds leaf ${index} of a tree of ${treeSize}: add the frontier first`);
      }
      // Level 0 is known only for a frontier's single leaf (an odd-sized tree's last one).
      const known = this.#hashes.get(key(level, at));
      if (known) return { index, siblings, anchor: { level, index: at }, anchorHash: known };
      siblings.push({ level, index: at % 2 === 0 ? at + 1 : at - 1 });
    }
  }

  /**
   * Folds the leaf's hash with the siblings' (in the climb's order) and compares with the anchor; when equal, every
   * subtree on the way is verified too and kept. Malformed input gives false, never a throw.
   */
  verify(climb: InclusionClimb, leafHash: Uint8Array, siblingHashes: readonly Uint8Array[]): boolean {
    if (!isHash(leafHash) || siblingHashes.length !== climb.siblings.length || !siblingHashes.every(isHash)) return false;
    let h = leafHash;
    const path: Array<[level: number, index: number, hash: Uint8Array]> = [];
    for (let i = 0; i < climb.siblings.length; i++) {
      const sibling = climb.siblings[i]!;
      const left = sibling.index % 2 === 1;
      path.push([sibling.level, sibling.index, siblingHashes[i]!]);
      h = left ? nodeHash(h, siblingHashes[i]!) : nodeHash(siblingHashes[i]!, h);
      path.push([sibling.level + 1, Math.floor(sibling.index / 2), h]);
    }
    if (!bytesEqual(h, climb.anchorHash)) return false;
    // Level 0 (leaves) is not kept: a leaf is re-read with its event anyway.
    for (const [level, index, hash] of path) if (level > 0) this.#hashes.set(key(level, index), hash);
    return true;
  }
}

/** One number per (level, index): levels stay under 64 and indexes under 2^46, within a double's exact integers. */
const key = (level: number, index: number): number => index * 64 + level;
