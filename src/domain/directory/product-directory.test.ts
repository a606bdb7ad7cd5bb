import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DomainError } from '../errors.ts';
import {
  DEPARTMENTS,
  PRODUCT_LINES,
  PRODUCT_LINE_IDS,
  findDepartment,
  findProductLine,
  findSubKind,
  getDepartment,
  getProductLine,
  isDepartmentId,
  isKeyVariety,
  isProductLineId,
  productLinesOfDepartment,
} from './product-directory.ts';

const FIXED_LINE_IDS = [
  'farm-produce',
  'food',
  'drug',
  'farm-input',
  'special-equipment',
  'dangerous-goods',
  'rare-earth',
  'import-export',
];
const FIXED_DEPT_IDS = [
  'agriculture',
  'commerce',
  'food-drug',
  'quality',
  'public-security',
  'work-safety',
  'industry-it',
  'customs',
];
const KEBAB = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

describe('product directory', () => {
  it('has exactly the eight fixed product-line ids, in the table order', () => {
    assert.deepEqual(
      PRODUCT_LINES.map((l) => l.id),
      FIXED_LINE_IDS,
    );
    assert.deepEqual([...PRODUCT_LINE_IDS], FIXED_LINE_IDS);
    assert.deepEqual(
      PRODUCT_LINES.map((l) => l.planRow),
      [1, 2, 3, 4, 5, 6, 7, 8],
    );
  });

  it('has exactly the eight fixed department ids', () => {
    assert.deepEqual(
      DEPARTMENTS.map((d) => d.id),
      FIXED_DEPT_IDS,
    );
  });

  it('keeps ids unique: lines, departments and sub-kinds across the whole directory', () => {
    const lineIds = PRODUCT_LINES.map((l) => l.id);
    assert.equal(new Set(lineIds).size, lineIds.length);
    const deptIds = DEPARTMENTS.map((d) => d.id);
    assert.equal(new Set(deptIds).size, deptIds.length);
    const subIds = PRODUCT_LINES.flatMap((l) => l.subKinds.map((k) => k.id));
    assert.equal(new Set(subIds).size, subIds.length);
    for (const id of [...lineIds, ...deptIds, ...subIds]) assert.match(id, KEBAB);
  });

  it('gives every line at least one sub-kind, at least one key variety, and names in both languages', () => {
    for (const line of PRODUCT_LINES) {
      assert.ok(line.subKinds.length >= 1, line.id);
      assert.ok(
        line.subKinds.some((k) => k.keyVariety),
        `${line.id} has a key variety`,
      );
      for (const named of [line, ...line.subKinds]) {
        assert.ok(named.nameZh.length > 0 && /[\u4e00-\u9fff]/.test(named.nameZh), named.id);
        assert.ok(named.nameEn.length > 0, named.id);
      }
      for (const k of line.subKinds) assert.equal(typeof k.keyVariety, 'boolean', k.id);
    }
  });

  it('gives every line a lead department that exists, without repeats', () => {
    for (const line of PRODUCT_LINES) {
      assert.ok(line.leadDepartmentIds.length >= 1, line.id);
      assert.equal(new Set(line.leadDepartmentIds).size, line.leadDepartmentIds.length);
      for (const d of line.leadDepartmentIds) assert.ok(findDepartment(d), `${line.id} → ${d}`);
    }
  });

  it('gives every department at least one line to supervise', () => {
    for (const d of DEPARTMENTS) {
      assert.ok(productLinesOfDepartment(d.id).length >= 1, d.id);
    }
  });

  it('follows the plan table for lead departments (first is the lead)', () => {
    const leads = Object.fromEntries(PRODUCT_LINES.map((l) => [l.id, [...l.leadDepartmentIds]]));
    assert.deepEqual(leads, {
      'farm-produce': ['agriculture', 'commerce'],
      food: ['food-drug'],
      drug: ['food-drug'],
      'farm-input': ['agriculture'],
      'special-equipment': ['quality', 'public-security'],
      'dangerous-goods': ['work-safety'],
      'rare-earth': ['industry-it'],
      'import-export': ['customs'],
    });
  });

  it('uses the plan wording for department names', () => {
    assert.equal(getDepartment('agriculture').nameZh, '市农业局');
    assert.equal(getDepartment('food-drug').nameZh, '市食品药品监管局');
    assert.equal(getDepartment('work-safety').nameZh, '市安监局');
    assert.equal(getDepartment('industry-it').nameZh, '市经济和信息化局');
    assert.equal(getDepartment('customs').nameZh, '惠州出入境检验检疫局');
    assert.ok(getDepartment('customs').aliasesZh.includes('惠州海关'));
  });

  it('lists the lines of each department', () => {
    assert.deepEqual(productLinesOfDepartment('agriculture'), ['farm-produce', 'farm-input']);
    assert.deepEqual(productLinesOfDepartment('food-drug'), ['food', 'drug']);
    assert.deepEqual(productLinesOfDepartment('public-security'), ['special-equipment']);
    assert.deepEqual(productLinesOfDepartment('customs'), ['import-export']);
    assert.deepEqual(productLinesOfDepartment('no-such-dept'), []);
  });

  it('marks the plan’s key varieties', () => {
    for (const [line, kind] of [
      ['food', 'infant-formula-milk-powder'],
      ['food', 'alcoholic-drinks'],
      ['farm-produce', 'meat'],
      ['farm-produce', 'vegetables'],
      ['drug', 'drug-preparations'],
      ['farm-input', 'pesticides'],
      ['special-equipment', 'gas-cylinders'],
      ['dangerous-goods', 'highly-toxic-chemicals'],
      ['rare-earth', 'rare-earth-ore'],
      ['import-export', 'imported-whisky'],
    ] as const) {
      assert.equal(isKeyVariety(line, kind), true, `${line}/${kind}`);
    }
    assert.equal(isKeyVariety('food', 'other-food'), false);
    assert.equal(isKeyVariety('food', 'meat'), false, 'meat belongs to farm-produce, not food');
    assert.equal(findSubKind('food', 'rice')?.nameZh, '大米');
    assert.equal(findSubKind('nope', 'rice'), undefined);
  });

  it('gets, finds and recognises product lines', () => {
    assert.equal(getProductLine('food').nameZh, '食品');
    assert.equal(findProductLine('drug')?.nameEn, 'Drugs');
    assert.equal(findProductLine('toys'), undefined);
    assert.equal(isProductLineId('rare-earth'), true);
    assert.equal(isProductLineId('Rare-Earth'), false);
    assert.equal(isProductLineId(42), false);
    assert.equal(isDepartmentId('customs'), true);
    assert.equal(isDepartmentId('tax'), false);
    assert.throws(
      () => getProductLine('toys'),
      (e: unknown) =>
        e instanceof DomainError && e.kind === 'not_found' && e.code === 'unknown_product_line' && e.details.productLineId === 'toys',
    );
    assert.throws(
      () => getDepartment('tax'),
      (e: unknown) => e instanceof DomainError && e.kind === 'not_found' && e.code === 'unknown_department',
    );
  });

  it('is read-only all the way down', () => {
    assert.ok(Object.isFrozen(PRODUCT_LINES));
    assert.ok(Object.isFrozen(DEPARTMENTS));
    for (const line of PRODUCT_LINES) {
      assert.ok(Object.isFrozen(line));
      assert.ok(Object.isFrozen(line.subKinds));
      assert.ok(Object.isFrozen(line.leadDepartmentIds));
      for (const k of line.subKinds) assert.ok(Object.isFrozen(k));
    }
    for (const d of DEPARTMENTS) {
      assert.ok(Object.isFrozen(d));
      assert.ok(Object.isFrozen(d.aliasesZh));
    }
    assert.throws(() => {
      (PRODUCT_LINES[0] as { nameZh: string }).nameZh = 'x';
    }, TypeError);
  });
});
