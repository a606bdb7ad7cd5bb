/**
 * Certificate types the platform records (issue 4 §4, A4 labels and marks). `mark` says the certificate carries a
 * mark that may be printed on the product's label: the 绿色食品 mark (NY/T 391 and the 绿色食品标志管理办法), the
 * China organic product mark (GB/T 19630, 有机产品认证管理办法) and the 农产品地理标志 mark (农产品地理标志管理办法).
 */
export const CERTIFICATE_TYPES = [
  { id: 'green-food', nameZh: '绿色食品', nameEn: 'Green Food', mark: true },
  { id: 'organic', nameZh: '有机产品', nameEn: 'Organic product', mark: true },
  { id: 'geo-indication', nameZh: '农产品地理标志', nameEn: 'Geographical indication (agricultural)', mark: true },
  { id: 'gap', nameZh: '良好农业规范', nameEn: 'Good Agricultural Practice (GAP)', mark: false },
  { id: 'haccp', nameZh: 'HACCP 体系认证', nameEn: 'HACCP system', mark: false },
  { id: 'gmp', nameZh: '药品 GMP 符合性检查', nameEn: 'Drug GMP compliance', mark: false },
  { id: 'ccc', nameZh: '强制性产品认证 (CCC)', nameEn: 'China Compulsory Certification', mark: true },
  { id: 'other', nameZh: '其他认证', nameEn: 'Other certificate', mark: false },
] as const;

export type CertificateTypeId = (typeof CERTIFICATE_TYPES)[number]['id'];
export const CERTIFICATE_TYPE_IDS = CERTIFICATE_TYPES.map((t) => t.id) as readonly CertificateTypeId[];

/** The certificate type with this id, or undefined. */
export function findCertificateType(id: string) {
  return CERTIFICATE_TYPES.find((t) => t.id === id);
}
