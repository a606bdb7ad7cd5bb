/**
 * Runs every vector extracted from gs1/gs1-syntax-engine (../shared/conformance/gs1-identifiers/syntax-engine-vectors)
 * and every GS1 Digital Link toolkit output (uncompressed and compressed) against src/domain/identifiers. A case
 * passes or is listed, with a reason, in gs1-exclusions.json — whole, or only the named `fields` of it, the rest of
 * the case still checked; a listed case or field that does not exist fails the run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DomainError } from '../../src/domain/errors.ts';
import { LINTERS } from '../../src/domain/identifiers/gs1-linters.ts';
import { parseBracketed, parseUnbracketed, toUnbracketed, toBracketed, type Gs1Options } from '../../src/domain/identifiers/gs1-element-string.ts';
import {
  parseDigitalLinkUri,
  buildDigitalLink,
  escapePathComponent,
  escapeQueryComponent,
  unescapePathComponent,
  unescapeQueryComponent,
  CANONICAL_DL_HOST,
} from '../../src/domain/identifiers/gs1-digital-link.ts';
import { compressDigitalLink, decompressDigitalLink, isCompressedDigitalLink } from '../../src/domain/identifiers/gs1-digital-link-compression.ts';
import { processScanData } from '../../src/domain/identifiers/gs1-scandata.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const shared = path.resolve(repoRoot, '../shared/conformance');
const vectorDir = path.join(shared, 'gs1-identifiers/syntax-engine-vectors');
const toolkitFile = path.join(shared, 'gs1-identifiers/generated-from-GS1DigitalLinkToolkit/dl-translation-compression-vectors.json');

type Vector = Record<string, unknown> & { non_default_settings?: Record<string, boolean> };
interface Exclusion {
  file: string;
  index: number;
  input: string;
  reason: string;
  /** When present, only these fields of the case are not checked. */
  fields?: string[];
}
const exclusions = JSON.parse(readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), 'gs1-exclusions.json'), 'utf8')) as {
  cases: Exclusion[];
};

function optionsOf(v: Vector): Gs1Options {
  const s = v.non_default_settings ?? {};
  return {
    permitUnknownAIs: s.PermitUnknownAIs === true,
    unknownAiNotDlAttr: s['Validation:gs1_encoder_vUNKNOWN_AI_NOT_DL_ATTR'] !== false,
    permitZeroSuppressedGtin: s.PermitZeroSuppressedGTINinDLuris === true,
  };
}

/** Runs `fn`; returns the DomainError it threw, or undefined. Any other exception is a bug and propagates. */
function attempt(fn: () => void): DomainError | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
}
function expectInvalid(fn: () => unknown, code?: string): void {
  const e = attempt(() => void fn());
  assert.ok(e, 'expected a DomainError');
  assert.equal(e.kind, 'invalid');
  if (code) assert.equal(e.code, code);
}

const ASSOCIATION_CODES: Record<string, string> = {
  validateAIrepeats: 'repeated_ai',
  validateAImutex: 'exclusive_ais',
  validateAIrequisites: 'missing_required_ai',
  validateDigSigRequiresSerialisedKey: 'digsig_requires_serialised_key',
};

const markup = (input: string, pos: number, len: number) =>
  input.slice(0, pos) + '*' + input.slice(pos, pos + len) + '*' + input.slice(pos + len);

/** Checks a case, skipping the fields an exclusion names; throws (assert) when it fails. */
interface Checker {
  input: (v: Vector) => string;
  run: (v: Vector, skip: ReadonlySet<string>) => void;
}

/** One checker per vector file. */
const checkers: Record<string, Checker> = {
  'dl-parse': {
    input: (v) => String(v.uri),
    run(v) {
      const opts = optionsOf(v);
      if (v.valid) assert.equal(toUnbracketed(parseDigitalLinkUri(String(v.uri), opts).ais), v.expected_unbracketed);
      else expectInvalid(() => parseDigitalLinkUri(String(v.uri), opts));
    },
  },
  'dl-generate': {
    input: (v) => String(v.ai_bracketed),
    run(v) {
      const opts = optionsOf(v);
      const gen = () => buildDigitalLink(parseBracketed(String(v.ai_bracketed), opts), (v.stem as string | null) ?? undefined, opts);
      if (v.valid) assert.equal(gen(), v.expected_uri);
      else expectInvalid(gen);
    },
  },
  'uri-escape': {
    input: (v) => `${v.op}:${v.input}`,
    run(v) {
      const s = String(v.input);
      if (v.op === 'escape') {
        assert.equal(escapePathComponent(s), v.expected_path_component);
        assert.equal(escapeQueryComponent(s), v.expected_query_component);
      } else {
        assert.equal(unescapePathComponent(s), v.expected_path_component);
        assert.equal(unescapeQueryComponent(s), v.expected_query_component);
      }
    },
  },
  'ai-bracketed-parse': {
    input: (v) => String(v.bracketed),
    run(v) {
      // The C unit tests exercise the parser alone; message-level association rules are ai-associations' job.
      const opts = { ...optionsOf(v), associations: false };
      if (v.valid) assert.equal(toUnbracketed(parseBracketed(String(v.bracketed), opts)), v.expected_unbracketed);
      else expectInvalid(() => parseBracketed(String(v.bracketed), opts));
    },
  },
  'ai-element-string-validate': {
    input: (v) => String(v.unbracketed),
    run(v) {
      const opts = { ...optionsOf(v), associations: false };
      if (v.valid) parseUnbracketed(String(v.unbracketed), opts);
      else expectInvalid(() => parseUnbracketed(String(v.unbracketed), opts));
    },
  },
  'ai-associations': {
    input: (v) => String(v.bracketed),
    run(v) {
      const opts = optionsOf(v);
      if (v.valid) parseBracketed(String(v.bracketed), opts);
      else expectInvalid(() => parseBracketed(String(v.bracketed), opts), ASSOCIATION_CODES[String(v.check)]);
    },
  },
  'ai-linter-errors': {
    input: (v) => String(v.bracketed),
    run(v) {
      const e = attempt(() => void parseBracketed(String(v.bracketed)));
      if (v.expected === 'GS1_LINTER_OK') assert.equal(e, undefined);
      else {
        assert.ok(e, 'expected a DomainError');
        assert.equal(e.details.linter, v.expected);
      }
    },
  },
  'scandata-process': {
    input: (v) => String(v.scan_data),
    run(v) {
      const opts = optionsOf(v);
      if (v.valid) {
        const r = processScanData(String(v.scan_data), opts);
        assert.equal(r.data, v.expected);
        assert.equal(r.symbology, v.symbology);
      } else expectInvalid(() => processScanData(String(v.scan_data), opts));
    },
  },
  linters: {
    input: (v) => `${v.linter}:${v.input}`,
    run(v) {
      const lint = LINTERS[String(v.linter).replace(/^gs1_lint_/, '')];
      assert.ok(lint, `no linter ${v.linter}`);
      const f = lint(String(v.input));
      if (v.expected === 'GS1_LINTER_OK') assert.equal(f, undefined);
      else {
        assert.ok(f, `expected ${v.expected}`);
        assert.equal(f.err, v.expected);
        assert.equal(markup(String(v.input), f.pos, f.len), v.error_markup);
      }
    },
  },
};

const originOf = (uri: string) => uri.slice(0, uri.indexOf('/', uri.indexOf('//') + 2));

/** Which toolkit call made each compressed field, as our options (the toolkit's defaults: optimisations on). */
const COMPRESSED_FIELDS = {
  compressed_opt: {},
  compressed_noopt: { optimise: false },
  // The toolkit's compressGS1DigitalLink ignores its uncompressedPrimary argument, so this field is fully
  // compressed and equals compressed_opt in every vector; our uncompressedPrimary option is tested in the unit tests.
  compressed_uncompressed_primary: {},
} as const;

/**
 * The GS1 Digital Link toolkit outputs: element string ⇄ Digital Link; compression of dl_numeric with and without
 * optimisations (byte-exact) and our compressions round-trip; decompression of each toolkit compression (or its
 * rejection where the toolkit failed too). The digital-link.js cases: decompression onto id.gs1.org (that
 * library's canonical host) and compression back, non-GS1 parameters included.
 */
const toolkitChecker: Checker = {
  input: (v) => String(v.element_strings ?? v.compressed),
  run(v, skip) {
    const check = (field: string, fn: () => void) => {
      if (!skip.has(field)) fn();
    };
    if (v.compressed !== undefined) {
      const compressed = String(v.compressed);
      assert.ok(isCompressedDigitalLink(compressed), `${compressed} is not recognised as compressed`);
      check('decompressed', () => assert.equal(decompressDigitalLink(compressed, { stem: CANONICAL_DL_HOST }), v.decompressed));
      check('compressed', () =>
        assert.equal(compressDigitalLink(String(v.decompressed), { stem: originOf(compressed), compressOtherKeys: true }), compressed));
      return;
    }
    const es = String(v.element_strings);
    if (v.error !== undefined) {
      expectInvalid(() => buildDigitalLink(parseBracketed(es), 'https://example.com'));
      return;
    }
    const dl = String(v.dl_numeric);
    check('dl_numeric', () => assert.equal(buildDigitalLink(parseBracketed(es), 'https://example.com'), dl));
    check('roundtrip_element_strings', () => assert.equal(toBracketed(parseDigitalLinkUri(dl).ais), v.roundtrip_element_strings));
    for (const [field, opts] of Object.entries(COMPRESSED_FIELDS)) {
      if (v[field] === undefined) continue;
      const toolkit = String(v[field]);
      const ours = compressDigitalLink(dl, opts);
      assert.equal(decompressDigitalLink(ours), dl, `${field}: our ${ours} does not decompress to ${dl}`);
      check(field, () => assert.equal(ours, toolkit, field));
      check(`decompressed_from_${field}`, () => {
        if (v[`decompressed_from_${field}`] !== undefined) assert.equal(decompressDigitalLink(toolkit), v[`decompressed_from_${field}`], `decompressed_from_${field}`);
      });
      check(`decompress_error_${field}`, () => {
        if (v[`decompress_error_${field}`] !== undefined) expectInvalid(() => decompressDigitalLink(toolkit));
      });
    }
  },
};

interface Tally {
  passed: number;
  /** Of `passed`, the cases run with some fields excluded. */
  partial: number;
  excluded: number;
  total: number;
  failures: string[];
}

function runFile(name: string, vectors: Vector[], checker: Checker): Tally {
  const excluded = new Map(exclusions.cases.filter((x) => x.file === name).map((x) => [x.index, x]));
  const t: Tally = { passed: 0, partial: 0, excluded: 0, total: vectors.length, failures: [] };
  vectors.forEach((v, i) => {
    const ex = excluded.get(i);
    if (ex) {
      assert.equal(checker.input(v), ex.input, `exclusion ${name}#${i} names input ${JSON.stringify(ex.input)}, but the case is ${JSON.stringify(checker.input(v))}`);
      for (const f of ex.fields ?? []) assert.ok(f in v, `exclusion ${name}#${i} names field ${f}, which the case does not have`);
      if (!ex.fields) {
        t.excluded++;
        return;
      }
    }
    try {
      checker.run(v, new Set(ex?.fields));
      t.passed++;
      if (ex) t.partial++;
    } catch (e) {
      t.failures.push(`${name}#${i} ${JSON.stringify(checker.input(v))}: ${(e as Error).message.split('\n')[0]}`);
    }
  });
  for (const idx of excluded.keys()) assert.ok(idx >= 0 && idx < vectors.length, `exclusion ${name}#${idx} names a case that does not exist`);
  return t;
}

const FILES = Object.keys(checkers);

test('exclusions name only known files', () => {
  for (const x of exclusions.cases) {
    assert.ok([...FILES, 'dl-translation-toolkit'].includes(x.file), `exclusion names unknown file ${x.file}`);
    assert.ok(x.reason && x.reason.length > 10, `exclusion ${x.file}#${x.index} needs a reason`);
    assert.ok(!x.fields || (x.file === 'dl-translation-toolkit' && x.fields.length > 0), `exclusion ${x.file}#${x.index}: fields only for toolkit cases`);
  }
});

for (const name of FILES) {
  test(`gs1-syntax-engine vectors: ${name}`, (t) => {
    const doc = JSON.parse(readFileSync(path.join(vectorDir, `${name}.json`), 'utf8')) as { vectors: Vector[] };
    const tally = runFile(name, doc.vectors, checkers[name]);
    t.diagnostic(`${name}: passed ${tally.passed} / excluded ${tally.excluded} / total ${tally.total}`);
    assert.deepEqual(tally.failures, [], `${tally.failures.length} failing case(s)`);
  });
}

test('GS1 Digital Link toolkit translation and compression vectors', (t) => {
  const vectors = JSON.parse(readFileSync(toolkitFile, 'utf8')) as Vector[];
  const tally = runFile('dl-translation-toolkit', vectors, toolkitChecker);
  t.diagnostic(
    `dl-translation-toolkit: passed ${tally.passed} (${tally.partial} with fields excluded) / excluded ${tally.excluded} / total ${tally.total}`,
  );
  assert.deepEqual(tally.failures, [], `${tally.failures.length} failing case(s)`);
});
