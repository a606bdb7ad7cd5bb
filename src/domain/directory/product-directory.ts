import { DomainError } from '../errors.ts';
import type { DepartmentId } from './departments.ts';

export { DEPARTMENTS, DEPARTMENT_IDS, findDepartment, getDepartment, isDepartmentId } from './departments.ts';
export type { Department, DepartmentId } from './departments.ts';

/** The fixed ids of the eight product lines of the plan's 追溯产品分工表, in the table's order. */
export const PRODUCT_LINE_IDS = [
  'farm-produce',
  'food',
  'drug',
  'farm-input',
  'special-equipment',
  'dangerous-goods',
  'rare-earth',
  'import-export',
] as const;

/** One of the eight product-line ids. */
export type ProductLineId = (typeof PRODUCT_LINE_IDS)[number];

/** A kind of product inside a line; a key variety 重点品种 must be traceable end to end, the others at least queryable. */
export interface ProductSubKind {
  /** Kebab-case id, unique across the whole directory. */
  readonly id: string;
  readonly nameZh: string;
  readonly nameEn: string;
  /** True for the products the plan names (重点品种可追溯); false for the catch-all of the table's 等 (全品种可查询). */
  readonly keyVariety: boolean;
}

/** One product line 重要追溯产品 of the plan's table, with its sub-kinds and its lead departments 牵头部门. */
export interface ProductLine {
  readonly id: ProductLineId;
  readonly nameZh: string;
  readonly nameEn: string;
  /** Row number 序号 in the plan's 追溯产品分工表. */
  readonly planRow: number;
  /** The clause of 三、重点任务 that sets out this line's tasks. */
  readonly planClause: string;
  readonly subKinds: readonly ProductSubKind[];
  /** Lead departments as the table lists them; the first is the lead, the rest co-lead. */
  readonly leadDepartmentIds: readonly DepartmentId[];
}

// Source: 惠州市加快推进重要产品追溯体系建设实施方案, 追溯产品分工表 rows 1–8 (names, leads); key varieties per 三(二)–三(八).
const PRODUCT_LINE_LIST = [
  {
    id: 'farm-produce',
    nameZh: '食用农产品',
    nameEn: 'Edible farm products',
    planRow: 1,
    planClause: '三(二)',
    subKinds: [
      { id: 'meat', nameZh: '肉类', nameEn: 'Meat', keyVariety: true },
      { id: 'vegetables', nameZh: '蔬菜', nameEn: 'Vegetables', keyVariety: true },
      { id: 'chinese-medicinal-herbs', nameZh: '中药材', nameEn: 'Chinese medicinal herbs', keyVariety: true },
      { id: 'other-farm-produce', nameZh: '其他食用农产品', nameEn: 'Other edible farm products', keyVariety: false },
    ],
    leadDepartmentIds: ['agriculture', 'commerce'],
  },
  {
    id: 'food',
    nameZh: '食品',
    nameEn: 'Food',
    planRow: 2,
    planClause: '三(三)',
    subKinds: [
      { id: 'infant-formula-milk-powder', nameZh: '婴幼儿配方乳粉', nameEn: 'Infant formula milk powder', keyVariety: true },
      { id: 'infant-formula-food', nameZh: '婴幼儿配方食品', nameEn: 'Infant formula foods', keyVariety: true },
      { id: 'rice', nameZh: '大米', nameEn: 'Rice', keyVariety: true },
      { id: 'meat-products', nameZh: '肉制品', nameEn: 'Meat products', keyVariety: true },
      { id: 'dairy-products', nameZh: '乳制品', nameEn: 'Dairy products', keyVariety: true },
      { id: 'edible-vegetable-oil', nameZh: '食用植物油', nameEn: 'Edible vegetable oil', keyVariety: true },
      { id: 'alcoholic-drinks', nameZh: '酒类', nameEn: 'Alcoholic drinks', keyVariety: true },
      { id: 'other-food', nameZh: '其他食品', nameEn: 'Other food', keyVariety: false },
    ],
    leadDepartmentIds: ['food-drug'],
  },
  {
    id: 'drug',
    nameZh: '药品',
    nameEn: 'Drugs',
    planRow: 3,
    planClause: '三(四)',
    // 三(四) asks for 全品种 electronic supervision of drugs, so every drug sub-kind is a key variety.
    subKinds: [
      { id: 'drug-preparations', nameZh: '药品制剂类', nameEn: 'Drug preparations', keyVariety: true },
      { id: 'decoction-pieces', nameZh: '药品饮片', nameEn: 'Decoction pieces', keyVariety: true },
      {
        id: 'active-pharmaceutical-ingredients',
        nameZh: '原料药（材）',
        nameEn: 'Active pharmaceutical ingredients and crude drugs',
        keyVariety: true,
      },
    ],
    leadDepartmentIds: ['food-drug'],
  },
  {
    id: 'farm-input',
    nameZh: '主要农业生产资料',
    nameEn: 'Farm inputs',
    planRow: 4,
    planClause: '三(五)',
    subKinds: [
      { id: 'pesticides', nameZh: '农药', nameEn: 'Pesticides', keyVariety: true },
      { id: 'veterinary-drugs', nameZh: '兽药', nameEn: 'Veterinary drugs', keyVariety: true },
      { id: 'feed', nameZh: '饲料', nameEn: 'Feed', keyVariety: true },
      { id: 'fertilisers', nameZh: '肥料', nameEn: 'Fertilisers', keyVariety: true },
      { id: 'seeds', nameZh: '种子', nameEn: 'Seeds', keyVariety: true },
      { id: 'other-farm-input', nameZh: '其他农业生产资料', nameEn: 'Other farm inputs', keyVariety: false },
    ],
    leadDepartmentIds: ['agriculture'],
  },
  {
    id: 'special-equipment',
    nameZh: '特种设备',
    nameEn: 'Special equipment',
    planRow: 5,
    planClause: '三(六)',
    subKinds: [
      { id: 'elevators', nameZh: '电梯', nameEn: 'Elevators', keyVariety: true },
      { id: 'gas-cylinders', nameZh: '气瓶', nameEn: 'Gas cylinders', keyVariety: true },
      { id: 'fire-control-equipment', nameZh: '消防控制设备', nameEn: 'Fire-control equipment', keyVariety: true },
      { id: 'other-special-equipment', nameZh: '其他特种设备', nameEn: 'Other special equipment', keyVariety: false },
    ],
    leadDepartmentIds: ['quality', 'public-security'],
  },
  {
    id: 'dangerous-goods',
    nameZh: '危险品',
    nameEn: 'Dangerous goods',
    planRow: 6,
    planClause: '三(六)',
    subKinds: [
      { id: 'civil-explosives', nameZh: '民用爆炸物品', nameEn: 'Civil explosives', keyVariety: true },
      { id: 'fireworks', nameZh: '烟花爆竹', nameEn: 'Fireworks and firecrackers', keyVariety: true },
      {
        id: 'explosive-precursor-chemicals',
        nameZh: '易制爆危险化学品',
        nameEn: 'Explosive-precursor hazardous chemicals',
        keyVariety: true,
      },
      { id: 'highly-toxic-chemicals', nameZh: '剧毒化学品', nameEn: 'Highly toxic chemicals', keyVariety: true },
      { id: 'other-dangerous-goods', nameZh: '其他危险品', nameEn: 'Other dangerous goods', keyVariety: false },
    ],
    leadDepartmentIds: ['work-safety'],
  },
  {
    id: 'rare-earth',
    nameZh: '稀土产品',
    nameEn: 'Rare-earth products',
    planRow: 7,
    planClause: '三(七)',
    subKinds: [
      { id: 'rare-earth-ore', nameZh: '稀土矿产品', nameEn: 'Rare-earth ore products', keyVariety: true },
      {
        id: 'rare-earth-separated-products',
        nameZh: '稀土冶炼分离产品',
        nameEn: 'Rare-earth smelting and separation products',
        keyVariety: true,
      },
      {
        id: 'rare-earth-export-products',
        nameZh: '稀土出口产品（稀土氧化物等37种）',
        nameEn: 'Rare-earth export products (the 37, rare-earth oxides among them)',
        keyVariety: true,
      },
    ],
    leadDepartmentIds: ['industry-it'],
  },
  {
    id: 'import-export',
    nameZh: '进出口产品',
    nameEn: 'Imports and exports',
    planRow: 8,
    planClause: '三(八)',
    subKinds: [
      { id: 'imported-milk-powder', nameZh: '进口乳粉', nameEn: 'Imported milk powder', keyVariety: true },
      { id: 'imported-wine', nameZh: '进口葡萄酒', nameEn: 'Imported wine', keyVariety: true },
      { id: 'imported-whisky', nameZh: '进口威士忌', nameEn: 'Imported whisky', keyVariety: true },
      { id: 'imported-olive-oil', nameZh: '进口橄榄油', nameEn: 'Imported olive oil', keyVariety: true },
      { id: 'imported-fragrant-rice', nameZh: '进口香米', nameEn: 'Imported fragrant rice', keyVariety: true },
      { id: 'imported-mineral-water', nameZh: '进口矿泉水', nameEn: 'Imported mineral water', keyVariety: true },
      { id: 'imported-tea', nameZh: '进口茶叶', nameEn: 'Imported tea', keyVariety: true },
      { id: 'exported-farm-produce', nameZh: '出口食用农产品', nameEn: 'Exported edible farm products', keyVariety: true },
      {
        id: 'exported-feed',
        nameZh: '出口饲料和饲料添加剂',
        nameEn: 'Exported feed and feed additives',
        keyVariety: true,
      },
      { id: 'other-imported-food', nameZh: '其他进口食品', nameEn: 'Other imported food', keyVariety: false },
    ],
    leadDepartmentIds: ['customs'],
  },
] as const satisfies readonly ProductLine[];

/** The eight product lines in the order of the plan's table; deeply frozen. */
export const PRODUCT_LINES: readonly ProductLine[] = Object.freeze(
  PRODUCT_LINE_LIST.map((line) =>
    Object.freeze({
      ...line,
      subKinds: Object.freeze(line.subKinds.map((k) => Object.freeze({ ...k }))),
      leadDepartmentIds: Object.freeze([...line.leadDepartmentIds]),
    }),
  ),
);

const BY_ID: ReadonlyMap<string, ProductLine> = new Map(PRODUCT_LINES.map((l) => [l.id, l]));

/** True when `s` is one of the eight product-line ids. */
export function isProductLineId(s: unknown): s is ProductLineId {
  return typeof s === 'string' && BY_ID.has(s);
}

/** The product line with this id, or undefined. */
export function findProductLine(id: string): ProductLine | undefined {
  return BY_ID.get(id);
}

/**
 * The product line with this id, e.g. `getProductLine('food').nameZh === '食品'`.
 * @throws DomainError not_found `unknown_product_line`
 */
export function getProductLine(id: string): ProductLine {
  const line = BY_ID.get(id);
  if (!line) {
    throw new DomainError('not_found', 'unknown_product_line', `Unknown product line: ${id}`, { productLineId: id });
  }
  return line;
}

/** The ids of the lines a regulator of this department supervises (lead or co-lead); empty for an unknown department. */
export function productLinesOfDepartment(deptId: string): string[] {
  return PRODUCT_LINES.filter((l) => (l.leadDepartmentIds as readonly string[]).includes(deptId)).map((l) => l.id);
}

/** The sub-kind `subKindId` of line `lineId`, or undefined when either is unknown or the sub-kind belongs to another line. */
export function findSubKind(lineId: string, subKindId: string): ProductSubKind | undefined {
  return BY_ID.get(lineId)?.subKinds.find((k) => k.id === subKindId);
}

/** True when the sub-kind is a key variety 重点品种 of that line (must be traceable end to end, not only queryable). */
export function isKeyVariety(lineId: string, subKindId: string): boolean {
  return findSubKind(lineId, subKindId)?.keyVariety === true;
}

