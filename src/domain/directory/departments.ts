import { DomainError } from '../errors.ts';

/** The fixed ids of the departments the plan's 追溯产品分工表 names as leads (牵头部门). */
export const DEPARTMENT_IDS = [
  'agriculture',
  'commerce',
  'food-drug',
  'quality',
  'public-security',
  'work-safety',
  'industry-it',
  'customs',
] as const;

/** One of the eight lead-department ids. */
export type DepartmentId = (typeof DEPARTMENT_IDS)[number];

/** A lead department: its Chinese name as the plan's table writes it, other names the plan or later reforms use, and English. */
export interface Department {
  readonly id: DepartmentId;
  /** The name as written in the plan's table 追溯产品分工表 (with the 市 prefix where the plan's body uses it). */
  readonly nameZh: string;
  readonly nameEn: string;
  /** Other names for the same department: long or short forms in the plan's body, and successor bodies after the 2018 reform. */
  readonly aliasesZh: readonly string[];
}

// Names follow 惠州市加快推进重要产品追溯体系建设实施方案, 追溯产品分工表 and 三(二)–三(八).
const DEPARTMENT_LIST = [
  {
    id: 'agriculture',
    nameZh: '市农业局',
    nameEn: 'Huizhou Municipal Bureau of Agriculture',
    aliasesZh: ['农业局'],
  },
  {
    id: 'commerce',
    nameZh: '市商务局',
    nameEn: 'Huizhou Municipal Bureau of Commerce',
    aliasesZh: ['商务局'],
  },
  {
    id: 'food-drug',
    nameZh: '市食品药品监管局',
    nameEn: 'Huizhou Municipal Food and Drug Administration',
    aliasesZh: ['食品药品监管局'],
  },
  {
    id: 'quality',
    nameZh: '市质监局',
    nameEn: 'Huizhou Municipal Bureau of Quality and Technical Supervision',
    aliasesZh: ['质监局'],
  },
  {
    id: 'public-security',
    // The table writes 市质监局、公安局 — 公安局 shares the 市 prefix.
    nameZh: '市公安局',
    nameEn: 'Huizhou Municipal Public Security Bureau',
    aliasesZh: ['公安局'],
  },
  {
    id: 'work-safety',
    // The table says 市安监局; 三(六) spells it 市安全监管局.
    nameZh: '市安监局',
    nameEn: 'Huizhou Municipal Administration of Work Safety',
    aliasesZh: ['市安全监管局'],
  },
  {
    id: 'industry-it',
    // The table and 三(七) say 市经济和信息化局; 市经信局 is the common short form.
    nameZh: '市经济和信息化局',
    nameEn: 'Huizhou Municipal Bureau of Economy and Information Technology',
    aliasesZh: ['市经信局', '经济和信息化局'],
  },
  {
    id: 'customs',
    // The table names 惠州出入境检验检疫局; since the 2018 reform its duties sit with 惠州海关, which 三(八) names beside it.
    nameZh: '惠州出入境检验检疫局',
    nameEn: 'Huizhou Entry-Exit Inspection and Quarantine Bureau (now Huizhou Customs)',
    aliasesZh: ['惠州海关'],
  },
] as const satisfies readonly Department[];

/** The eight lead departments, in the fixed order of DEPARTMENT_IDS; deeply frozen. */
export const DEPARTMENTS: readonly Department[] = Object.freeze(
  DEPARTMENT_LIST.map((d) => Object.freeze({ ...d, aliasesZh: Object.freeze([...d.aliasesZh]) })),
);

const BY_ID: ReadonlyMap<string, Department> = new Map(DEPARTMENTS.map((d) => [d.id, d]));

/** True when `s` is one of the eight department ids. */
export function isDepartmentId(s: unknown): s is DepartmentId {
  return typeof s === 'string' && BY_ID.has(s);
}

/** The department with this id, or undefined. */
export function findDepartment(id: string): Department | undefined {
  return BY_ID.get(id);
}

/**
 * The department with this id.
 * @throws DomainError not_found `unknown_department`
 */
export function getDepartment(id: string): Department {
  const d = BY_ID.get(id);
  if (!d) {
    throw new DomainError('not_found', 'unknown_department', `Unknown department: ${id}`, { departmentId: id });
  }
  return d;
}
