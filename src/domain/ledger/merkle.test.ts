import { Rng } from '../random.ts';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { DomainError } from '../errors.ts';
import {
  MerkleFrontier,
  consistencyProof,
  consistencyProofRanges,
  emptyRootHash,
  foldSubtreeHashes,
  inclusionProof,
  inclusionProofRanges,
  leafHash,
  nodeHash,
  perfectSubtreesOf,
  rootFromLeafHashes,
  verifyConsistency,
  verifyInclusion,
  VerifiedSubtrees,
  type CompletedNode,
} from './merkle.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const unhex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));

// Known answers: the RFC 6962 / 9162 reference vectors used across Certificate Transparency implementations
// (transparency-dev/merkle testonly and proof tests; google/certificate-transparency).
const LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(unhex);
const EMPTY_ROOT = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const ROOTS = [
  EMPTY_ROOT,
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
// NODES[level][index]: every perfect subtree of the 8-leaf tree.
const NODES = [
  [
    '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
    '0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7',
    '07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7',
    'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    '4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658',
    'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
    '46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1',
  ],
  [
    'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
    '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
    '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
    'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
  ],
  [
    'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
  ],
  ['5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328'],
];
// The compact range (frontier) of each tree size 0..8, as level/index into NODES.
const COMPACT: Array<Array<[number, number]>> = [
  [],
  [[0, 0]],
  [[1, 0]],
  [[1, 0], [0, 2]],
  [[2, 0]],
  [[2, 0], [0, 4]],
  [[2, 0], [1, 2]],
  [[2, 0], [1, 2], [0, 6]],
  [[3, 0]],
];
const INCLUSION: Array<{ index: number; size: number; proof: string[] }> = [
  { index: 0, size: 1, proof: [] },
  { index: 0, size: 2, proof: ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7'] },
  { index: 1, size: 2, proof: ['6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d'] },
  { index: 2, size: 3, proof: ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'] },
  {
    index: 1,
    size: 5,
    proof: [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
  {
    index: 0,
    size: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    index: 5,
    size: 8,
    proof: [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
];
const CONSISTENCY: Array<{ first: number; second: number; proof: string[] }> = [
  { first: 1, second: 1, proof: [] },
  {
    first: 1,
    second: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    first: 2,
    second: 5,
    proof: [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
  {
    first: 6,
    second: 8,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  {
    first: 6,
    second: 7,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
];
const SOME_HASH = unhex('abacaba000000000000000000000000000000000000000000060061e00123456');
const LEAF_HASHES = LEAVES.map((l) => leafHash(l));

/** Deterministic PRNG so a failing property run can be replayed from its seed. */
function prng(seed: number): () => number {
  const rng = new Rng(seed);
  return () => rng.next();
}

function randomLeafHashes(n: number, rand: () => number): Uint8Array[] {
  return Array.from({ length: n }, (_, i) => leafHash(`evt-${i}-${Math.floor(rand() * 1e9)}`));
}

function flipped(h: Uint8Array, at = 0): Uint8Array {
  const c = Uint8Array.from(h);
  c[at % c.length] ^= 0x10;
  return c;
}

// An independent reference straight from the RFC 9162 §2.1 definitions, over array slices.
function refSplit(n: number): number {
  return 2 ** Math.ceil(Math.log2(n) - 1);
}
function refMth(d: Uint8Array[]): Uint8Array {
  if (d.length === 0) return createHashBytes();
  if (d.length === 1) return d[0];
  const k = refSplit(d.length);
  return nodeHash(refMth(d.slice(0, k)), refMth(d.slice(k)));
}
function refPath(m: number, d: Uint8Array[]): Uint8Array[] {
  if (d.length <= 1) return [];
  const k = refSplit(d.length);
  return m < k
    ? [...refPath(m, d.slice(0, k)), refMth(d.slice(k))]
    : [...refPath(m - k, d.slice(k)), refMth(d.slice(0, k))];
}
function refSubproof(m: number, d: Uint8Array[], b: boolean): Uint8Array[] {
  if (m === d.length) return b ? [] : [refMth(d)];
  const k = refSplit(d.length);
  return m <= k
    ? [...refSubproof(m, d.slice(0, k), b), refMth(d.slice(k))]
    : [...refSubproof(m - k, d.slice(k), false), refMth(d.slice(0, k))];
}
function createHashBytes(): Uint8Array {
  return new Uint8Array(createHash('sha256').digest());
}

const isInvalid = (code: string) => (e: unknown) => e instanceof DomainError && e.kind === 'invalid' && e.code === code;

describe('merkle: RFC 9162 known answers', () => {
  it('hashes the empty tree to SHA-256("")', () => {
    assert.equal(hex(emptyRootHash()), EMPTY_ROOT);
    assert.equal(hex(rootFromLeafHashes([])), EMPTY_ROOT);
  });

  it('computes the reference leaf hashes', () => {
    assert.deepEqual(LEAF_HASHES.map(hex), NODES[0]);
  });

  it('computes the reference root at every size 0..8', () => {
    for (let n = 0; n <= 8; n++) assert.equal(hex(rootFromLeafHashes(LEAF_HASHES.slice(0, n))), ROOTS[n], `size ${n}`);
  });

  it('builds the reference inclusion proofs, and they verify', () => {
    for (const v of INCLUSION) {
      const proof = inclusionProof(LEAF_HASHES, v.index, v.size);
      assert.deepEqual(proof.map(hex), v.proof, `${v.index}@${v.size}`);
      assert.ok(verifyInclusion(LEAF_HASHES[v.index], v.index, v.size, v.proof.map(unhex), unhex(ROOTS[v.size])));
    }
  });

  it('builds the reference consistency proofs, and they verify', () => {
    for (const v of CONSISTENCY) {
      const proof = consistencyProof(LEAF_HASHES, v.first, v.second);
      assert.deepEqual(proof.map(hex), v.proof, `${v.first}→${v.second}`);
      assert.ok(
        verifyConsistency(v.first, v.second, unhex(ROOTS[v.first]), unhex(ROOTS[v.second]), v.proof.map(unhex)),
        `${v.first}→${v.second}`,
      );
    }
  });

  it('rejects every corruption of the reference inclusion proofs', () => {
    for (const v of INCLUSION.filter((x) => x.proof.length > 0)) {
      const { index, size } = v;
      const proof = v.proof.map(unhex);
      const root = unhex(ROOTS[size]);
      const leaf = LEAF_HASHES[index];
      const probes: Array<[string, number, number, Uint8Array, Uint8Array[], Uint8Array]> = [
        ['index - 1', index - 1, size, leaf, proof, root],
        ['index + 1', index + 1, size, leaf, proof, root],
        ['index ^ 2', index ^ 2, size, leaf, proof, root],
        ['size * 2', index, size * 2, leaf, proof, root],
        ['size / 2', index, Math.floor(size / 2), leaf, proof, root],
        ['wrong leaf', index, size, leafHash('WrongLeaf'), proof, root],
        ['empty root', index, size, leaf, proof, unhex(EMPTY_ROOT)],
        ['random root', index, size, leaf, proof, SOME_HASH],
        ['trailing root', index, size, leaf, [...proof, root], root],
        ['preceding root', index, size, leaf, [root, ...proof], root],
        ['trailing garbage', index, size, leaf, [...proof, new Uint8Array(0)], root],
        ['removed component', index, size, leaf, proof.slice(0, -1), root],
        ['inserted component', index, size, leaf, [proof[0], SOME_HASH, ...proof.slice(1)], root],
        ...proof.map(
          (_, i) =>
            [`flipped proof[${i}]`, index, size, leaf, proof.map((p, j) => (j === i ? flipped(p) : p)), root] as [
              string,
              number,
              number,
              Uint8Array,
              Uint8Array[],
              Uint8Array,
            ],
        ),
      ];
      for (const [desc, i, s, l, p, r] of probes) {
        assert.equal(verifyInclusion(l, i, s, p, r), false, `${index}@${size}: ${desc}`);
      }
    }
  });

  it('rejects every corruption of the reference consistency proofs', () => {
    for (const v of CONSISTENCY.filter((x) => x.proof.length > 0)) {
      const { first, second } = v;
      const proof = v.proof.map(unhex);
      const r1 = unhex(ROOTS[first]);
      const r2 = unhex(ROOTS[second]);
      const probes: Array<[string, number, number, Uint8Array, Uint8Array, Uint8Array[]]> = [
        ['first - 1', first - 1, second, r1, r2, proof],
        ['first + 1', first + 1, second, r1, r2, proof],
        ['first ^ 2', first ^ 2, second, r1, r2, proof],
        ['second * 2', first, second * 2, r1, r2, proof],
        ['second / 2', first, Math.floor(second / 2), r1, r2, proof],
        ['wrong root1', first, second, SOME_HASH, r2, proof],
        ['wrong root2', first, second, r1, SOME_HASH, proof],
        ['swapped roots', first, second, r2, r1, proof],
        ['empty proof', first, second, r1, r2, []],
        ['trailing root1', first, second, r1, r2, [...proof, r1]],
        ['trailing root2', first, second, r1, r2, [...proof, r2]],
        ['preceding root1', first, second, r1, r2, [r1, ...proof]],
        ['preceding root2', first, second, r1, r2, [r2, ...proof]],
        ['preceding proof[0]', first, second, r1, r2, [proof[0], ...proof]],
        ['trailing garbage', first, second, r1, r2, [...proof, new Uint8Array(0)]],
        ['truncated proof', first, second, r1, r2, proof.slice(0, -1)],
        ...proof.map(
          (_, i) =>
            [`flipped proof[${i}]`, first, second, r1, r2, proof.map((p, j) => (j === i ? flipped(p) : p))] as [
              string,
              number,
              number,
              Uint8Array,
              Uint8Array,
              Uint8Array[],
            ],
        ),
      ];
      for (const [desc, f, s, a, b, p] of probes) {
        assert.equal(verifyConsistency(f, s, a, b, p), false, `${first}→${second}: ${desc}`);
      }
    }
  });

  it('handles the trivial and impossible consistency cases as CT verifiers do', () => {
    const a = unhex(ROOTS[1]);
    const b = unhex(ROOTS[2]);
    const empty = unhex(EMPTY_ROOT);
    assert.equal(verifyConsistency(0, 0, empty, empty, []), true);
    assert.equal(verifyConsistency(0, 1, empty, a, []), true);
    assert.equal(verifyConsistency(1, 1, a, a, []), true);
    assert.equal(verifyConsistency(1, 1, a, b, []), false, 'same size, different roots');
    assert.equal(verifyConsistency(0, 0, empty, empty, [empty]), false, 'same size, non-empty proof');
    assert.equal(verifyConsistency(0, 1, empty, a, [empty]), false, 'from empty, non-empty proof');
    assert.equal(verifyConsistency(1, 0, a, empty, []), false, 'time travel');
    assert.equal(verifyConsistency(2, 1, b, a, []), false, 'time travel');
    assert.equal(verifyConsistency(1, 2, a, b, []), false, 'missing proof');
    assert.equal(verifyConsistency(-1, 2, a, b, []), false);
    assert.equal(verifyConsistency(1.5, 2, a, b, [a]), false);
  });

  it('rejects inclusion with impossible index or size, or hashes of the wrong length', () => {
    const h = LEAF_HASHES[0];
    for (const [index, size] of [
      [0, 0],
      [1, 0],
      [2, 1],
      [1, 1],
      [-1, 1],
      [0.5, 2],
    ]) {
      assert.equal(verifyInclusion(h, index, size, [], h), false, `${index}@${size}`);
    }
    assert.equal(verifyInclusion(h, 0, 1, [], h), true);
    assert.equal(verifyInclusion(new Uint8Array(0), 0, 1, [], new Uint8Array(0)), false);
    assert.equal(verifyInclusion(h, 0, 1, [], new Uint8Array(0)), false);
  });

  it('reports every completed node and the compact range of each size', () => {
    const seen: CompletedNode[] = [];
    const f = new MerkleFrontier();
    assert.deepEqual(f.toJSON(), { size: 0, hashes: [] });
    for (let n = 1; n <= 8; n++) {
      f.append(LEAF_HASHES[n - 1], (node) => seen.push(node));
      assert.equal(hex(f.root()), ROOTS[n], `root at ${n}`);
      const expected = COMPACT[n].map(([level, index]) => Buffer.from(NODES[level][index], 'hex').toString('base64'));
      assert.deepEqual(f.toJSON(), { size: n, hashes: expected }, `frontier at ${n}`);
    }
    assert.equal(seen.length, 15);
    for (const node of seen) assert.equal(hex(node.hash), NODES[node.level][node.index], `node ${node.level}/${node.index}`);
  });
});

describe('merkle: properties over random trees', () => {
  const SEED = 0x5eed_2024;

  it('agrees with a slice-based reference of the RFC definitions (roots, paths, proofs)', () => {
    const rand = prng(SEED);
    const leaves = randomLeafHashes(70, rand);
    for (let n = 0; n <= 70; n++) {
      const d = leaves.slice(0, n);
      assert.equal(hex(rootFromLeafHashes(d)), hex(refMth(d)), `root ${n}`);
      for (let m = 0; m < n; m++) {
        assert.deepEqual(inclusionProof(leaves, m, n).map(hex), refPath(m, d).map(hex), `path ${m}@${n}`);
      }
      for (let m = 1; m < n; m++) {
        assert.deepEqual(consistencyProof(leaves, m, n).map(hex), refSubproof(m, d, true).map(hex), `proof ${m}→${n}`);
      }
    }
  });

  it('verifies every inclusion proof, and fails it when any byte of the proof, leaf or root flips', () => {
    const rand = prng(SEED + 1);
    for (const n of [1, 2, 3, 5, 8, 13, 31, 32, 33, 64, 100, 127, 128, 129, 257, 300]) {
      const leaves = randomLeafHashes(n, rand);
      const root = rootFromLeafHashes(leaves);
      for (let i = 0; i < n; i++) {
        const proof = inclusionProof(leaves, i, n);
        assert.ok(verifyInclusion(leaves[i], i, n, proof, root), `seed ${SEED + 1}: ${i}@${n}`);
        // Spot-check tampering on a sample to keep the run quick.
        if (i % 7 !== 0 && i !== n - 1) continue;
        const at = Math.floor(rand() * 32);
        assert.equal(verifyInclusion(flipped(leaves[i], at), i, n, proof, root), false, `leaf flip ${i}@${n}`);
        assert.equal(verifyInclusion(leaves[i], i, n, proof, flipped(root, at)), false, `root flip ${i}@${n}`);
        for (let j = 0; j < proof.length; j++) {
          const bad = proof.map((p, k) => (k === j ? flipped(p, at) : p));
          assert.equal(verifyInclusion(leaves[i], i, n, bad, root), false, `proof[${j}] flip ${i}@${n}`);
        }
        if (n > 1) assert.equal(verifyInclusion(leaves[i], (i + 1) % n, n, proof, root), false, `moved ${i}@${n}`);
      }
    }
  });

  it('verifies every consistency proof, and fails it when any byte flips', () => {
    const rand = prng(SEED + 2);
    const leaves = randomLeafHashes(300, rand);
    const roots = Array.from({ length: 301 }, (_, n) => rootFromLeafHashes(leaves.slice(0, n)));
    const pairs: Array<[number, number]> = [];
    for (let second = 0; second <= 40; second++) for (let first = 0; first <= second; first++) pairs.push([first, second]);
    for (let t = 0; t < 400; t++) {
      const second = 1 + Math.floor(rand() * 300);
      pairs.push([Math.floor(rand() * (second + 1)), second]);
    }
    for (const [first, second] of pairs) {
      const proof = consistencyProof(leaves, first, second);
      assert.ok(verifyConsistency(first, second, roots[first], roots[second], proof), `seed ${SEED + 2}: ${first}→${second}`);
      if (first === 0 || first === second) continue;
      const at = Math.floor(rand() * 32);
      assert.equal(verifyConsistency(first, second, flipped(roots[first], at), roots[second], proof), false);
      assert.equal(verifyConsistency(first, second, roots[first], flipped(roots[second], at), proof), false);
      for (let j = 0; j < proof.length; j++) {
        const bad = proof.map((p, k) => (k === j ? flipped(p, at) : p));
        assert.equal(verifyConsistency(first, second, roots[first], roots[second], bad), false, `${first}→${second} [${j}]`);
      }
    }
  });

  it('keeps the frontier root equal to the full root at every size, and survives a JSON round trip', () => {
    const rand = prng(SEED + 3);
    const leaves = randomLeafHashes(400, rand);
    let f = new MerkleFrontier();
    assert.equal(hex(f.root()), EMPTY_ROOT);
    for (let n = 1; n <= leaves.length; n++) {
      f.append(leaves[n - 1]);
      assert.equal(f.size, n);
      assert.equal(hex(f.root()), hex(rootFromLeafHashes(leaves.slice(0, n))), `size ${n}`);
      if (n % 37 === 0) {
        const json = JSON.parse(JSON.stringify(f));
        f = MerkleFrontier.fromJSON(json);
        assert.equal(f.size, n);
      }
    }
    assert.equal(hex(MerkleFrontier.fromLeafHashes(leaves).root()), hex(f.root()));
    const copy = f.clone();
    copy.append(leaves[0]);
    assert.equal(f.size, 400, 'clone is independent');
  });

  it('answers proofs lazily from stored perfect nodes, the same as from all leaves', () => {
    const rand = prng(SEED + 4);
    const leaves = randomLeafHashes(203, rand);
    const store = new Map<string, Uint8Array>();
    const f = new MerkleFrontier();
    for (const h of leaves) f.append(h, (node) => store.set(`${node.level}/${node.index}`, node.hash));
    const fetch = (r: { start: number; end: number }): Uint8Array =>
      foldSubtreeHashes(perfectSubtreesOf(r).map((nd) => store.get(`${nd.level}/${nd.index}`) as Uint8Array));
    const n = leaves.length;
    assert.equal(hex(fetch({ start: 0, end: n })), hex(f.root()));
    for (let t = 0; t < 150; t++) {
      const i = Math.floor(rand() * n);
      assert.deepEqual(inclusionProofRanges(i, n).map(fetch).map(hex), inclusionProof(leaves, i, n).map(hex));
      const second = 1 + Math.floor(rand() * n);
      const first = Math.floor(rand() * (second + 1));
      assert.deepEqual(
        consistencyProofRanges(first, second).map(fetch).map(hex),
        consistencyProof(leaves, first, second).map(hex),
      );
    }
  });
});

describe('merkle: verified subtrees (the scan page\'s short proofs)', () => {
  const SEED = 0x5eed_2026;
  /** A tree grown leaf by leaf, keeping every perfect node as the ledger stores them. */
  function grownTree(leaves: Uint8Array[]) {
    const nodes = new Map<string, Uint8Array>();
    const f = new MerkleFrontier();
    for (const h of leaves) f.append(h, (node) => nodes.set(`${node.level}/${node.index}`, node.hash));
    return { f, nodes, read: (n: { level: number; index: number }) => nodes.get(`${n.level}/${n.index}`)! };
  }

  it('lists the frontier\'s perfect subtrees where they sit, and they fold to the root', () => {
    const rand = prng(SEED + 5);
    const leaves = randomLeafHashes(300, rand);
    for (const size of [0, 1, 2, 3, 6, 7, 8, 64, 255, 300]) {
      const { f, nodes } = grownTree(leaves.slice(0, size));
      const subtrees = f.subtrees();
      assert.equal(subtrees.length, [...size.toString(2)].filter((b) => b === '1').length);
      let start = 0;
      for (const s of subtrees) {
        assert.equal(s.index * 2 ** s.level, start, `size ${size}: subtrees tile [0, size) left to right`);
        assert.equal(hex(s.hash), hex(nodes.get(`${s.level}/${s.index}`)!));
        start += 2 ** s.level;
      }
      assert.equal(start, size);
      if (size) assert.equal(hex(foldSubtreeHashes(subtrees.map((s) => s.hash))), hex(f.root()));
    }
  });

  it('shows every leaf included, in fewer reads as more is verified, and still after the tree grows', () => {
    const rand = prng(SEED + 6);
    const leaves = randomLeafHashes(1000, rand);
    const verified = new VerifiedSubtrees();
    let reads = 0;
    for (const size of [613, 1000]) {
      const { f, read } = grownTree(leaves.slice(0, size));
      verified.addFrontier(f);
      const readsBefore = reads;
      for (let t = 0; t < 400; t++) {
        const i = Math.floor(rand() * size);
        const climb = verified.planClimb(i, size);
        reads += climb.siblings.length;
        assert.ok(climb.siblings.length <= Math.ceil(Math.log2(size)));
        assert.ok(verified.verify(climb, leaves[i]!, climb.siblings.map(read)), `leaf ${i} of ${size}`);
      }
      if (size === 1000) assert.ok(reads - readsBefore < 400 * 3, `a warm set needs few reads (${reads - readsBefore} for 400 leaves)`);
    }
    // A leaf on its own climbs a full path: as long as a full audit path at most, to a frontier subtree.
    const fresh = new VerifiedSubtrees();
    const { f, read } = grownTree(leaves);
    fresh.addFrontier(f);
    const climb = fresh.planClimb(5, 1000);
    assert.equal(climb.anchor.level, 9, 'leaf 5 of 1000 lies in the frontier subtree of 512 leaves');
    assert.equal(climb.siblings.length, 9);
    assert.ok(fresh.verify(climb, leaves[5]!, climb.siblings.map(read)));
  });

  it('fails an altered leaf or sibling, and keeps nothing from a failed climb', () => {
    const rand = prng(SEED + 7);
    const leaves = randomLeafHashes(500, rand);
    const { f, read } = grownTree(leaves);
    const verified = new VerifiedSubtrees();
    verified.addFrontier(f);
    const before = verified.size;
    const climb = verified.planClimb(77, 500);
    const siblings = climb.siblings.map(read);
    const altered = Uint8Array.from(leaves[77]!);
    altered[0] ^= 1;
    assert.equal(verified.verify(climb, altered, siblings), false, 'altered leaf');
    for (let k = 0; k < siblings.length; k++) {
      const bad = siblings.map((h) => Uint8Array.from(h));
      bad[k]![31] ^= 0x80;
      assert.equal(verified.verify(climb, leaves[77]!, bad), false, `altered sibling ${k}`);
    }
    assert.equal(verified.verify(climb, leaves[77]!, siblings.slice(1)), false, 'a sibling short');
    assert.equal(verified.size, before, 'nothing kept from failed climbs');
    // A leaf next to a verified one: its climb stops at their shared parent, and an altered leaf fails there.
    assert.ok(verified.verify(climb, leaves[77]!, siblings));
    const next = verified.planClimb(76, 500);
    assert.deepEqual(next.siblings, [{ level: 0, index: 77 }]);
    assert.deepEqual(next.anchor, { level: 1, index: 38 });
    assert.equal(verified.verify(next, altered, [leaves[77]!]), false);
    assert.ok(verified.verify(next, leaves[76]!, [leaves[77]!]));
  });

  it('shows the last leaf of an odd-sized tree included from the frontier alone', () => {
    const leaves = randomLeafHashes(23, prng(SEED + 10));
    const { f } = grownTree(leaves);
    const verified = new VerifiedSubtrees();
    verified.addFrontier(f);
    const climb = verified.planClimb(22, 23);
    assert.deepEqual(climb.siblings, []);
    assert.ok(verified.verify(climb, leaves[22]!, []));
    assert.equal(verified.verify(climb, leaves[21]!, []), false);
  });

  it('refuses a leaf outside the tree, or a tree whose frontier it was not given', () => {
    const { f } = grownTree(randomLeafHashes(10, prng(SEED + 8)));
    const verified = new VerifiedSubtrees();
    assert.throws(() => verified.planClimb(3, 10), (e: unknown) => e instanceof DomainError && /frontier/.test(e.message));
    verified.addFrontier(f);
    assert.throws(() => verified.planClimb(10, 10), (e: unknown) => e instanceof DomainError && /outside/.test(e.message));
  });

  it('keeps at most its capacity, the frontier re-added on every use', () => {
    const leaves = randomLeafHashes(256, prng(SEED + 9));
    const { f, read } = grownTree(leaves);
    const verified = new VerifiedSubtrees(16);
    for (let i = 0; i < 256; i += 7) {
      verified.addFrontier(f);
      const climb = verified.planClimb(i, 256);
      assert.ok(verified.verify(climb, leaves[i]!, climb.siblings.map(read)));
      assert.ok(verified.size <= 16);
    }
  });
});

describe('merkle: inputs', () => {
  it('hashes a string leaf as its UTF-8 bytes', () => {
    const id = 'ni:///sha-256;惠州-0001';
    assert.deepEqual(leafHash(id), leafHash(new TextEncoder().encode(id)));
    assert.notDeepEqual(leafHash('a'), leafHash('b'));
  });

  it('refuses impossible proof requests with DomainError invalid', () => {
    assert.throws(() => inclusionProof(LEAF_HASHES, 8, 8), isInvalid('index_out_of_range'));
    assert.throws(() => inclusionProof(LEAF_HASHES, 0, 0), isInvalid('index_out_of_range'));
    assert.throws(() => inclusionProof(LEAF_HASHES, -1, 4), isInvalid('index_out_of_range'));
    assert.throws(() => inclusionProof(LEAF_HASHES, 0, 9), isInvalid('invalid_tree_size'));
    assert.throws(() => inclusionProof(LEAF_HASHES, 0, 2.5), isInvalid('invalid_tree_size'));
    assert.throws(() => consistencyProof(LEAF_HASHES, 5, 4), isInvalid('invalid_tree_size'));
    assert.throws(() => consistencyProof(LEAF_HASHES, 1, 9), isInvalid('invalid_tree_size'));
    assert.deepEqual(consistencyProof(LEAF_HASHES, 0, 8), []);
    assert.deepEqual(consistencyProof(LEAF_HASHES, 8, 8), []);
    assert.throws(() => perfectSubtreesOf({ start: 1, end: 3 }), isInvalid('invalid_range'));
    assert.throws(() => perfectSubtreesOf({ start: 2, end: 2 }), isInvalid('invalid_range'));
    assert.deepEqual(perfectSubtreesOf({ start: 0, end: 7 }), [
      { level: 2, index: 0 },
      { level: 1, index: 2 },
      { level: 0, index: 6 },
    ]);
  });

  it('refuses bad frontier state and bad leaf hashes', () => {
    assert.throws(() => new MerkleFrontier().append(new Uint8Array(31)), isInvalid('invalid_hash'));
    const good = MerkleFrontier.fromLeafHashes(LEAF_HASHES.slice(0, 7)).toJSON();
    for (const bad of [
      null,
      'x',
      { size: -1, hashes: [] },
      { size: 7, hashes: good.hashes.slice(1) },
      { size: 6, hashes: good.hashes },
      { size: 7, hashes: [...good.hashes.slice(0, 2), 'AAAA'] },
      { size: 7, hashes: [...good.hashes.slice(0, 2), 42] },
    ]) {
      assert.throws(() => MerkleFrontier.fromJSON(bad), isInvalid('invalid_frontier'), JSON.stringify(bad));
    }
    assert.equal(hex(MerkleFrontier.fromJSON(good).root()), ROOTS[7]);
  });
});
