/**
 * Chinese identifier schemes: 统一社会信用代码 (USCC, GB 32100-2015), 药品追溯码 (20-digit drug traceability code),
 * GB/T 2260 行政区划代码, HS codes, 特种设备代码 (TSG 08-2017), 工业互联网标识 (industrial-internet Handle ids),
 * and the platform's LOCAL code scheme for goods without a GS1 key.
 */
import { invalid } from '../errors.ts';

// ---------------------------------------------------------------- USCC 统一社会信用代码 (GB 32100-2015)

/** The 31 characters of GB 32100 (digits and upper-case letters without I, O, Z, S, V), in value order. */
const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < USCC_CHARS.length; i++) USCC_VALUE[USCC_CHARS.charCodeAt(i)] = i;
/** Weights 3^(i-1) mod 31 for positions 1..17. */
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** The GB 32100 check character for the first 17 characters. */
export function usccCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_VALUE[first17.charCodeAt(i)] * USCC_WEIGHTS[i];
  return USCC_CHARS[(31 - (sum % 31)) % 31];
}

/**
 * Validates a 统一社会信用代码 and returns it trimmed and upper-cased.
 * @throws DomainError invalid `bad_length`, `bad_character`, `bad_check_character`
 */
export function validateUscc(code: string): string {
  const c = code.trim().toUpperCase();
  if (c.length !== 18) throw invalid('bad_length', `统一社会信用代码 must be 18 characters, found ${c.length}`, { scheme: 'uscc', position: Math.min(c.length, 18) });
  for (let i = 0; i < 18; i++) {
    const v = c.charCodeAt(i);
    if (v >= 128 || USCC_VALUE[v] < 0)
      throw invalid('bad_character', `统一社会信用代码 character "${c[i]}" at position ${i + 1} is not allowed (digits and A–Y without I, O, Z, S, V)`, {
        scheme: 'uscc', position: i,
      });
  }
  for (let i = 2; i < 8; i++)
    if (c.charCodeAt(i) < 48 || c.charCodeAt(i) > 57)
      throw invalid('bad_character', `统一社会信用代码 positions 3–8 are a region code and must be digits; found "${c[i]}" at position ${i + 1}`, {
        scheme: 'uscc', position: i,
      });
  const expected = usccCheckChar(c);
  if (c[17] !== expected)
    throw invalid('bad_check_character', `统一社会信用代码 check character should be ${expected}, found ${c[17]}`, { scheme: 'uscc', position: 17 });
  return c;
}

// ---------------------------------------------------------------- 药品追溯码

/**
 * Validates a 20-digit drug traceability code (药品追溯码): 7-digit product code, 9-digit serial, 4 check
 * digits. The check algorithm is not published, so only the form is checked.
 * @throws DomainError invalid `bad_length`, `bad_character`
 */
export function validateDrugCode(code: string): string {
  const c = code.trim();
  for (let i = 0; i < c.length; i++)
    if (c.charCodeAt(i) < 48 || c.charCodeAt(i) > 57)
      throw invalid('bad_character', `药品追溯码 must be digits; found "${c[i]}" at position ${i + 1}`, { scheme: 'drug', position: i });
  if (c.length !== 20) throw invalid('bad_length', `药品追溯码 must be 20 digits, found ${c.length}`, { scheme: 'drug', position: Math.min(c.length, 20) });
  return c;
}

/** The parts of a drug traceability code. */
export function splitDrugCode(code: string): { product: string; serial: string; check: string } {
  const c = validateDrugCode(code);
  return { product: c.slice(0, 7), serial: c.slice(7, 16), check: c.slice(16) };
}

// ---------------------------------------------------------------- GB/T 2260 行政区划代码

/** The 34 provincial-level divisions by 2-digit prefix. */
export const PROVINCES: Readonly<Record<string, { nameZh: string; nameEn: string }>> = {
  '11': { nameZh: '北京市', nameEn: 'Beijing' }, '12': { nameZh: '天津市', nameEn: 'Tianjin' },
  '13': { nameZh: '河北省', nameEn: 'Hebei' }, '14': { nameZh: '山西省', nameEn: 'Shanxi' },
  '15': { nameZh: '内蒙古自治区', nameEn: 'Inner Mongolia' }, '21': { nameZh: '辽宁省', nameEn: 'Liaoning' },
  '22': { nameZh: '吉林省', nameEn: 'Jilin' }, '23': { nameZh: '黑龙江省', nameEn: 'Heilongjiang' },
  '31': { nameZh: '上海市', nameEn: 'Shanghai' }, '32': { nameZh: '江苏省', nameEn: 'Jiangsu' },
  '33': { nameZh: '浙江省', nameEn: 'Zhejiang' }, '34': { nameZh: '安徽省', nameEn: 'Anhui' },
  '35': { nameZh: '福建省', nameEn: 'Fujian' }, '36': { nameZh: '江西省', nameEn: 'Jiangxi' },
  '37': { nameZh: '山东省', nameEn: 'Shandong' }, '41': { nameZh: '河南省', nameEn: 'Henan' },
  '42': { nameZh: '湖北省', nameEn: 'Hubei' }, '43': { nameZh: '湖南省', nameEn: 'Hunan' },
  '44': { nameZh: '广东省', nameEn: 'Guangdong' }, '45': { nameZh: '广西壮族自治区', nameEn: 'Guangxi' },
  '46': { nameZh: '海南省', nameEn: 'Hainan' }, '50': { nameZh: '重庆市', nameEn: 'Chongqing' },
  '51': { nameZh: '四川省', nameEn: 'Sichuan' }, '52': { nameZh: '贵州省', nameEn: 'Guizhou' },
  '53': { nameZh: '云南省', nameEn: 'Yunnan' }, '54': { nameZh: '西藏自治区', nameEn: 'Xizang (Tibet)' },
  '61': { nameZh: '陕西省', nameEn: 'Shaanxi' }, '62': { nameZh: '甘肃省', nameEn: 'Gansu' },
  '63': { nameZh: '青海省', nameEn: 'Qinghai' }, '64': { nameZh: '宁夏回族自治区', nameEn: 'Ningxia' },
  '65': { nameZh: '新疆维吾尔自治区', nameEn: 'Xinjiang' }, '71': { nameZh: '台湾省', nameEn: 'Taiwan' },
  '81': { nameZh: '香港特别行政区', nameEn: 'Hong Kong SAR' }, '82': { nameZh: '澳门特别行政区', nameEn: 'Macao SAR' },
};

/** 惠州市 and its districts and counties (GB/T 2260). */
export const HUIZHOU_REGIONS: ReadonlyArray<{ code: string; nameZh: string; nameEn: string }> = Object.freeze([
  { code: '441300', nameZh: '惠州市', nameEn: 'Huizhou' },
  { code: '441302', nameZh: '惠城区', nameEn: 'Huicheng District' },
  { code: '441303', nameZh: '惠阳区', nameEn: 'Huiyang District' },
  { code: '441322', nameZh: '博罗县', nameEn: 'Boluo County' },
  { code: '441323', nameZh: '惠东县', nameEn: 'Huidong County' },
  { code: '441324', nameZh: '龙门县', nameEn: 'Longmen County' },
]);
const KNOWN_REGIONS = new Map<string, { nameZh: string; nameEn: string }>([
  ...HUIZHOU_REGIONS.map((r) => [r.code, r] as const),
  ...Object.entries(PROVINCES).map(([p, n]) => [`${p}0000`, n] as const),
]);

/**
 * Validates a 6-digit GB/T 2260 region code. Names come from the built-in table (provinces, 惠州 and its
 * districts); other well-formed codes get the province name plus the code.
 * @throws DomainError invalid `bad_region_code`, `unknown_province`
 */
export function validateRegion(code: string): { code: string; nameZh: string; nameEn: string; level: 'province' | 'prefecture' | 'county' } {
  const c = code.trim();
  if (!/^\d{6}$/.test(c)) throw invalid('bad_region_code', `行政区划代码 must be 6 digits, found "${c}"`, { scheme: 'region', position: 0 });
  const province = PROVINCES[c.slice(0, 2)];
  if (!province) throw invalid('unknown_province', `行政区划代码 ${c}: "${c.slice(0, 2)}" is not a provincial-level code`, { scheme: 'region', position: 0 });
  const level = c.endsWith('0000') ? 'province' : c.endsWith('00') ? 'prefecture' : 'county';
  if (level !== 'province' && c.slice(2, 4) === '00')
    throw invalid('bad_region_code', `行政区划代码 ${c}: a county code needs a prefecture part`, { scheme: 'region', position: 2 });
  const known = KNOWN_REGIONS.get(c);
  return known
    ? { code: c, nameZh: known.nameZh, nameEn: known.nameEn, level }
    : { code: c, nameZh: `${province.nameZh}（${c}）`, nameEn: `${province.nameEn} (${c})`, level };
}

// ---------------------------------------------------------------- HS codes

/**
 * Validates an HS / China customs commodity code: 6 to 10 digits (dots and spaces ignored), chapter 01–97.
 * @throws DomainError invalid `bad_hs_code`
 */
export function validateHsCode(code: string): string {
  const c = code.replace(/[.\s]/g, '');
  if (!/^\d{6,10}$/.test(c)) throw invalid('bad_hs_code', `HS code must be 6 to 10 digits, found "${code}"`, { scheme: 'hs', position: 0 });
  const chapter = Number(c.slice(0, 2));
  if (chapter < 1 || chapter > 97 || chapter === 77) throw invalid('bad_hs_code', `HS chapter ${c.slice(0, 2)} does not exist`, { scheme: 'hs', position: 0 });
  return c;
}

// ---------------------------------------------------------------- 特种设备代码 (TSG 08-2017)

const EQUIPMENT_CATEGORIES: Record<string, string> = {
  '1': '锅炉', '2': '压力容器', '3': '电梯', '4': '起重机械', '5': '客运索道', '6': '大型游乐设施',
  '7': '压力管道元件', '8': '压力管道', '9': '场（厂）内专用机动车辆', F: '安全附件',
};

/**
 * Validates an 18-character special-equipment code (特种设备代码). Our reading of TSG 08-2017 Annex A:
 * 4-character equipment category code (设备类别代码, first character 1–9 or F) + 6-digit place of manufacture
 * (行政区划代码) + 4-digit year of manufacture + 4-digit manufacturing sequence number.
 * @throws DomainError invalid `bad_length`, `bad_character`, `bad_equipment_code`
 */
export function validateSpecialEquipmentCode(code: string): { code: string; category: string; region: string; year: number; sequence: string } {
  const c = code.trim().toUpperCase();
  if (c.length !== 18) throw invalid('bad_length', `特种设备代码 must be 18 characters, found ${c.length}`, { scheme: 'equipment', position: Math.min(c.length, 18) });
  if (!/^[1-9F]\d{3}$/.test(c.slice(0, 4)))
    throw invalid('bad_equipment_code', `特种设备代码 category "${c.slice(0, 4)}" must be 1–9 or F followed by 3 digits`, { scheme: 'equipment', position: 0 });
  const bad = /\D/.exec(c.slice(4));
  if (bad) throw invalid('bad_character', `特种设备代码 must be digits after the category; found "${bad[0]}" at position ${bad.index + 5}`, { scheme: 'equipment', position: bad.index + 4 });
  const year = Number(c.slice(10, 14));
  if (year < 1900 || year > 2100) throw invalid('bad_equipment_code', `特种设备代码 year ${year} is implausible`, { scheme: 'equipment', position: 10 });
  if (c.slice(14) === '0000') throw invalid('bad_equipment_code', '特种设备代码 sequence number must not be 0000', { scheme: 'equipment', position: 14 });
  return { code: c, category: EQUIPMENT_CATEGORIES[c[0]], region: c.slice(4, 10), year, sequence: c.slice(14) };
}

// ---------------------------------------------------------------- 工业互联网标识

const IID = /^88\.(\d{1,6})\.([A-Za-z0-9]{1,16})\/([A-Za-z0-9\-._~!$&'()*+,;=:@/%]{1,200})$/;

/**
 * Validates an industrial-internet identifier (工业互联网标识, national top-level node 88):
 * `88.<industry code>.<enterprise code>/<suffix>`; the suffix may use URI path characters.
 * @throws DomainError invalid `bad_iid`
 */
export function validateIndustrialId(id: string): { id: string; industry: string; enterprise: string; suffix: string } {
  const s = id.trim();
  const m = IID.exec(s);
  if (!m) throw invalid('bad_iid', `"${s}" is not an industrial-internet identifier of the form 88.<industry>.<enterprise>/<suffix>`, { scheme: 'iid', position: 0 });
  return { id: s, industry: m[1], enterprise: m[2], suffix: m[3] };
}

// ---------------------------------------------------------------- LOCAL codes

const LOCAL_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOCAL_CATEGORY = /^[a-z][a-z0-9-]{1,19}$/;
const LOCAL_CODE = /^[0-9A-Z]{1,24}$/;

/** Recommended LOCAL code categories (any lower-case slug of 2–20 characters is accepted). */
export const LOCAL_CATEGORIES: Readonly<Record<string, string>> = {
  produce: '散装果蔬 bulk fruit and vegetables',
  meat: '肉类 meat and carcasses',
  aquatic: '水产品 aquatic products',
  grain: '粮油 grain and oil',
  egg: '禽蛋 eggs',
  tea: '茶叶 tea',
  other: '其他 other',
};

/** ISO/IEC 7064 MOD 37,36 (hybrid) check character over digits and upper-case letters. */
export function mod37_36(s: string): string {
  let p = 36;
  for (const ch of s) {
    let sum = (p + LOCAL_ALPHABET.indexOf(ch)) % 36;
    if (sum === 0) sum = 36;
    p = (sum * 2) % 37;
  }
  return LOCAL_ALPHABET[(37 - p) % 36];
}

/**
 * Builds a LOCAL code URN `urn:suyuan:local:<issuer USCC>:<category>:<code><check>` where the check character is
 * ISO/IEC 7064 MOD 37,36 over issuer USCC + code.
 * @throws DomainError invalid (USCC faults), `bad_local_code`
 */
export function makeLocalCode(p: { issuerUscc: string; category: string; code: string }): string {
  const uscc = validateUscc(p.issuerUscc);
  const code = p.code.trim().toUpperCase();
  if (!LOCAL_CATEGORY.test(p.category)) throw invalid('bad_local_code', `LOCAL category "${p.category}" must be a lower-case slug`, { scheme: 'local' });
  if (!LOCAL_CODE.test(code)) throw invalid('bad_local_code', `LOCAL code "${p.code}" must be 1–24 digits or letters`, { scheme: 'local' });
  return `urn:suyuan:local:${uscc}:${p.category}:${code}${mod37_36(uscc + code)}`;
}

/**
 * Validates a LOCAL code URN and returns it normalised.
 * @throws DomainError invalid `bad_local_code`, `bad_check_character`, or USCC faults
 */
export function validateLocalCode(urn: string): { urn: string; issuerUscc: string; category: string; code: string } {
  const m = /^urn:suyuan:local:([^:]+):([^:]+):([0-9A-Za-z]{2,25})$/.exec(urn.trim());
  if (!m) throw invalid('bad_local_code', `"${urn}" is not urn:suyuan:local:<USCC>:<category>:<code><check>`, { scheme: 'local' });
  const uscc = validateUscc(m[1]);
  if (!LOCAL_CATEGORY.test(m[2])) throw invalid('bad_local_code', `LOCAL category "${m[2]}" must be a lower-case slug`, { scheme: 'local' });
  const body = m[3].toUpperCase();
  const code = body.slice(0, -1);
  const expected = mod37_36(uscc + code);
  if (body.at(-1) !== expected)
    throw invalid('bad_check_character', `LOCAL code check character should be ${expected}, found ${body.at(-1)}`, { scheme: 'local', position: urn.trim().length - 1 });
  return { urn: `urn:suyuan:local:${uscc}:${m[2]}:${body}`, issuerUscc: uscc, category: m[2], code };
}
