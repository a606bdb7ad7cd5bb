import { getDepartment, type DepartmentId, type ProductLineId } from '../../domain/directory/product-directory.ts';
import { partyUri, siteUri, usccCheckChar } from '../../domain/identifiers/index.ts';
import { gs1CheckDigit } from '../../domain/identifiers/gs1-linters.ts';
import { Rng } from '../../domain/random.ts';

/**
 * The cast of the scaled Huizhou demo (issue 3 §6): a seeded PRNG, realistic Chinese names, parties of every role in
 * every district and county, and the products each firm registers. Pure: nothing here touches the store, so the same
 * seed and scale always give the same world, and the same world gives the same events.
 */

/** FNV-1a over the parts: derives independent PRNG seeds (per line, per episode) from the run's seed. */
export function seedOf(...parts: Array<string | number>): number {
  let h = 0x811c9dc5;
  for (const ch of parts.join('\u0001')) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A GS1 key body with its mod-10 check digit. */
export function gs1(body: string): string {
  return body + String(gs1CheckDigit(body));
}

export interface District {
  code: string;
  name: string;
  short: string;
  towns: readonly string[];
  roads: readonly string[];
}

/** 惠州's three districts and counties of GB/T 2260 that the plan's 区县 cover, with real towns and roads. */
export const DISTRICTS: readonly District[] = [
  { code: '441302', name: '惠城区', short: '惠城', towns: ['江北街道', '桥东街道', '河南岸街道', '水口街道', '小金口街道', '横沥镇', '芦洲镇', '汝湖镇', '马安镇', '三栋镇'], roads: ['东江大道', '文昌一路', '演达大道', '金山湖路', '麦地路', '下埔路', '惠州大道'] },
  { code: '441303', name: '惠阳区', short: '惠阳', towns: ['淡水街道', '秋长街道', '三和街道', '新圩镇', '镇隆镇', '沙田镇', '永湖镇', '良井镇', '平潭镇'], roads: ['开城大道', '金惠大道', '白云路', '人民五路', '惠南大道'] },
  { code: '441322', name: '博罗县', short: '博罗', towns: ['罗阳街道', '龙溪街道', '石湾镇', '园洲镇', '杨村镇', '长宁镇', '福田镇', '湖镇镇', '柏塘镇', '公庄镇'], roads: ['北门路', '罗浮大道', '博罗大道', '商业东路', '小金路'] },
  { code: '441323', name: '惠东县', short: '惠东', towns: ['平山街道', '大岭街道', '白花镇', '稔山镇', '吉隆镇', '黄埠镇', '多祝镇', '高潭镇', '梁化镇', '安墩镇'], roads: ['东风路', '华侨城大道', '惠东大道', '大岭大道', '平海路'] },
  { code: '441324', name: '龙门县', short: '龙门', towns: ['龙城街道', '平陵街道', '龙华镇', '龙田镇', '龙江镇', '永汉镇', '麻榨镇', '地派镇', '龙潭镇'], roads: ['迎宾大道', '西林路', '城北大道', '南昆山大道', '金龙大道'] },
];

const BRANDS_A = ['绿', '金', '鹏', '华', '东', '罗', '西', '南', '惠', '丰', '永', '嘉', '康', '宏', '福', '顺', '鑫', '汇', '盛', '瑞', '德', '恒', '新', '富', '万', '天', '安', '百', '润', '佳', '益', '和', '兴', '联', '祥', '泰'];
const BRANDS_B = ['源', '盛', '城', '联', '江', '浮', '湖', '昆', '民', '泽', '和', '禾', '乐', '达', '临', '昌', '通', '丰', '世', '信', '旺', '达', '美', '鲜', '农', '穗', '谷', '林', '宝', '隆', '利', '胜', '发', '兴', '福'];
const SURNAMES = ['陈', '李', '黄', '张', '刘', '林', '叶', '钟', '邓', '罗', '何', '曾', '吴', '杨', '谢', '邱', '温', '赖', '廖', '徐', '朱', '郑', '蔡', '卢'];
const GIVEN = ['伟强', '志明', '国华', '建军', '秀英', '丽华', '永福', '文辉', '海燕', '德成', '金水', '桂英', '振华', '少鹏', '美玲', '子健', '家豪', '春生', '惠芳', '锦添'];
const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/** What a party does in the demo chains; several roles may share one party kind. */
export interface Role {
  id: string;
  kind: string;
  /** Parties of this role at scale multiplier 1: 5 means one in every district and county. */
  base: number;
  /** USCC registration-authority and type characters: 91 enterprise, 93 co-operative, 12 public institution. */
  uscc: '91' | '93' | '12';
  gln: boolean;
  name(rng: Rng, d: District, n: number): string;
  site: string;
  licence?: (d: District, n: number) => { type: string; number: string; scope?: string };
}

const brand = (rng: Rng) => rng.pick(BRANDS_A) + rng.pick(BRANDS_B);
const person = (rng: Rng) => rng.pick(SURNAMES) + rng.pick(GIVEN);
const town = (rng: Rng, d: District) => rng.pick(d.towns).replace(/(街道|镇)$/, '');
const pad = (n: number, w: number) => String(n).padStart(w, '0');

/** Every role the chains need; the order is part of the determinism (it fixes each party's index). */
export const ROLES: readonly Role[] = [
  { id: 'pig-farm', kind: 'farm', base: 5, uscc: '91', gln: false, site: '生猪养殖基地', name: (r, d) => (r.chance(0.5) ? `惠州市${d.name}${brand(r)}生态养殖有限公司` : `${d.name}${town(r, d)}${person(r)}生猪养殖场`), licence: (d, n) => ({ type: '动物防疫条件合格证', number: `(粤)动防合字第${d.code}-2024-${pad(n + 11, 3)}号` }) },
  { id: 'veg-base', kind: 'farm', base: 5, uscc: '93', gln: false, site: '蔬菜种植基地', name: (r, d) => `${d.name}${town(r, d)}${brand(r)}蔬菜种植专业合作社` },
  { id: 'herb-base', kind: 'farm', base: 2, uscc: '91', gln: false, site: '南药种植基地', name: (r, d) => `惠州市${d.short}${brand(r)}南药种植有限公司` },
  { id: 'dairy-farm', kind: 'farm', base: 2, uscc: '91', gln: false, site: '奶牛牧场', name: (r, d) => `惠州市${d.short}${brand(r)}牧业有限公司`, licence: (d, n) => ({ type: '生鲜乳收购许可证', number: `粤(2024)${d.code}-${pad(n + 3, 3)}` }) },
  { id: 'grain-coop', kind: 'farm', base: 3, uscc: '93', gln: false, site: '水稻种植基地', name: (r, d) => `${d.name}${town(r, d)}${brand(r)}水稻种植专业合作社` },
  { id: 'oil-crop', kind: 'farm', base: 2, uscc: '93', gln: false, site: '花生种植基地', name: (r, d) => `${d.name}${town(r, d)}${brand(r)}花生种植专业合作社` },
  { id: 'slaughterhouse', kind: 'slaughterhouse', base: 3, uscc: '91', gln: true, site: '屠宰加工厂', name: (r, d) => `惠州市${d.short}${brand(r)}肉联有限公司`, licence: (d, n) => ({ type: '生猪定点屠宰证', number: `A${d.code}${pad(n + 1, 2)}` }) },
  { id: 'veg-packer', kind: 'processor', base: 2, uscc: '91', gln: true, site: '净菜加工配送中心', name: (r, d) => `惠州市${brand(r)}农产品配送有限公司`, licence: (d, n) => ({ type: '食品经营许可证', number: `JY1${d.code}00${pad(n * 7 + 1201, 5)}` }) },
  { id: 'herb-processor', kind: 'processor', base: 1, uscc: '91', gln: true, site: '中药材初加工厂', name: (r) => `惠州市罗浮山${brand(r)}中药材加工有限公司` },
  { id: 'wholesale-market', kind: 'market', base: 3, uscc: '91', gln: true, site: '农产品批发市场交易区', name: (r, d) => `惠州市${d.short}${brand(r)}农产品批发市场有限公司`, licence: (d, n) => ({ type: '食品经营许可证', number: `JY1${d.code}00${pad(n * 13 + 2301, 5)}` }) },
  { id: 'supermarket', kind: 'retailer', base: 5, uscc: '91', gln: true, site: '门店', name: (r, d) => `惠州市${brand(r)}${r.pick(['超市有限公司', '百货有限公司', '生活超市有限公司'])}`, licence: (d, n) => ({ type: '食品经营许可证', number: `JY1${d.code}00${pad(n * 17 + 3401, 5)}` }) },
  { id: 'farmers-market', kind: 'market', base: 5, uscc: '91', gln: false, site: '农贸市场', name: (r, d) => `惠州市${d.short}${town(r, d)}${brand(r)}农贸市场管理有限公司` },
  { id: 'canteen', kind: 'canteen', base: 5, uscc: '12', gln: false, site: '学生食堂', name: (r, d, n) => (n % 2 === 0 ? `${d.name}${town(r, d)}中心小学` : `惠州市${d.short}第${'一二三四五六七八九'[n % 9]}中学`), licence: (d, n) => ({ type: '食品经营许可证（单位食堂）', number: `JY3${d.code}00${pad(n * 19 + 4501, 5)}` }) },
  { id: 'dairy-plant', kind: 'producer', base: 1, uscc: '91', gln: true, site: '乳品工厂', name: (r) => `惠州市${brand(r)}乳业有限公司`, licence: (d, n) => ({ type: '食品生产许可证', number: `SC105${d.code}${pad(n + 456, 5)}`, scope: '乳制品[液体乳(巴氏杀菌乳、灭菌乳、发酵乳)]' }) },
  { id: 'formula-plant', kind: 'producer', base: 1, uscc: '91', gln: true, site: '营养食品工厂', name: (r) => `惠州市${brand(r)}营养食品有限公司`, licence: (d, n) => ({ type: '食品生产许可证', number: `SC101${d.code}${pad(n + 88, 5)}`, scope: '婴幼儿配方乳粉；婴幼儿谷类辅助食品' }) },
  { id: 'rice-mill', kind: 'producer', base: 2, uscc: '91', gln: true, site: '大米加工厂', name: (r, d) => `惠州市${d.short}${brand(r)}米业有限公司`, licence: (d, n) => ({ type: '食品生产许可证', number: `SC101${d.code}${pad(n + 201, 5)}`, scope: '粮食加工品[大米]' }) },
  { id: 'oil-mill', kind: 'producer', base: 1, uscc: '91', gln: true, site: '压榨油厂', name: (r) => `惠州市${brand(r)}粮油实业有限公司`, licence: (d, n) => ({ type: '食品生产许可证', number: `SC102${d.code}${pad(n + 301, 5)}`, scope: '食用油、油脂及其制品[食用植物油]' }) },
  { id: 'food-distributor', kind: 'wholesaler', base: 3, uscc: '91', gln: true, site: '配送中心', name: (r, d) => `惠州市${d.short}${brand(r)}食品配送有限公司`, licence: (d, n) => ({ type: '食品经营许可证', number: `JY1${d.code}00${pad(n * 23 + 5601, 5)}` }) },
  { id: 'api-maker', kind: 'producer', base: 1, uscc: '91', gln: true, site: '原料药车间', name: (r) => `惠州市${brand(r)}化学制药有限公司`, licence: (d, n) => ({ type: '药品生产许可证', number: `粤2016${pad(n + 301, 4)}`, scope: '原料药' }) },
  { id: 'pharma-maker', kind: 'producer', base: 2, uscc: '91', gln: true, site: '制剂厂区', name: (r) => `惠州${brand(r)}制药有限公司`, licence: (d, n) => ({ type: '药品生产许可证', number: `粤2016${pad(n + 401, 4)}`, scope: '片剂、硬胶囊剂、颗粒剂' }) },
  { id: 'tcm-maker', kind: 'producer', base: 1, uscc: '91', gln: true, site: '饮片车间', name: (r) => `惠州市罗浮山${brand(r)}中药饮片有限公司`, licence: (d, n) => ({ type: '药品生产许可证', number: `粤2018${pad(n + 501, 4)}`, scope: '中药饮片（净制、切制、炒制）' }) },
  { id: 'drug-wholesaler', kind: 'wholesaler', base: 2, uscc: '91', gln: true, site: '医药物流中心', name: (r) => `惠州市${brand(r)}医药有限公司`, licence: (d, n) => ({ type: '药品经营许可证', number: `粤AA752${pad(n + 61, 4)}` }) },
  { id: 'hospital', kind: 'hospital', base: 5, uscc: '12', gln: true, site: '药剂科', name: (r, d, n) => (n < 5 ? `${d.name}人民医院` : n < 10 ? `${d.name}中医医院` : `${d.name}${town(r, d)}卫生院`) },
  { id: 'pharmacy', kind: 'pharmacy', base: 5, uscc: '91', gln: true, site: '药店', name: (r, d) => `惠州市${brand(r)}大药房连锁有限公司${d.short}${town(r, d)}分店`, licence: (d, n) => ({ type: '药品经营许可证', number: `粤DA752${pad(n * 3 + 101, 4)}` }) },
  { id: 'input-maker', kind: 'producer', base: 2, uscc: '91', gln: true, site: '生产厂区', name: (r, d, n) => `惠州市${brand(r)}${['农化', '饲料', '肥业', '种业', '动物药业'][n % 5]}有限公司`, licence: (d, n) => ({ type: ['农药生产许可证', '饲料生产许可证', '肥料登记证', '种子生产经营许可证', '兽药生产许可证'][n % 5]!, number: `粤${d.code}-${pad(n + 17, 4)}` }) },
  { id: 'input-dealer', kind: 'retailer', base: 5, uscc: '91', gln: false, site: '农资门市', name: (r, d) => `${d.name}${town(r, d)}${brand(r)}农资经营部`, licence: (d, n) => ({ type: '农药经营许可证', number: `农药经许（粤）${d.code}${pad(n + 1, 4)}` }) },
  { id: 'filling-station', kind: 'filling-station', base: 3, uscc: '91', gln: true, site: '液化气充装站', name: (r, d) => `惠州市${d.short}${brand(r)}燃气有限公司`, licence: (d, n) => ({ type: '气瓶充装许可证', number: `TS4244${pad(n * 7 + 113, 4)}-2028` }) },
  { id: 'se-inspector', kind: 'lab', base: 1, uscc: '12', gln: false, site: '气瓶检验站', name: (r, d, n) => (n === 0 ? '惠州市特种设备检验研究院' : `惠州市特种设备检验研究院${d.short}分院`) },
  { id: 'elevator-firm', kind: 'producer', base: 1, uscc: '91', gln: true, site: '安装维保部', name: (r) => `惠州市${brand(r)}电梯工程有限公司`, licence: (d, n) => ({ type: '特种设备安装改造修理许可证', number: `TS3344${pad(n + 221, 4)}-2027` }) },
  { id: 'explosives-maker', kind: 'producer', base: 1, uscc: '91', gln: true, site: '民爆器材生产线', name: (r) => `惠州市${brand(r)}民爆化工有限公司`, licence: (d, n) => ({ type: '民用爆炸物品生产许可证', number: `MB生许证字[2024]${pad(n + 31, 3)}号` }) },
  { id: 'chemical-maker', kind: 'producer', base: 1, uscc: '91', gln: true, site: '化工厂区', name: (r) => `惠州市大亚湾${brand(r)}化工有限公司`, licence: (d, n) => ({ type: '危险化学品安全生产许可证', number: `(粤)WH安许证字[2024]${pad(n + 71, 4)}` }) },
  { id: 'fireworks-wholesaler', kind: 'wholesaler', base: 1, uscc: '91', gln: true, site: '烟花爆竹仓库', name: (r, d) => `惠州市${d.short}${brand(r)}烟花爆竹批发有限公司`, licence: (d, n) => ({ type: '烟花爆竹经营（批发）许可证', number: `(粤)YH经[2024]${pad(n + 5, 4)}` }) },
  { id: 'dg-carrier', kind: 'carrier', base: 1, uscc: '91', gln: true, site: '危货车队', name: (r) => `惠州市${brand(r)}危险货物运输有限公司`, licence: (d, n) => ({ type: '道路运输经营许可证（危险货物）', number: `粤交运管许可惠字${d.code}${pad(n + 1, 5)}号` }) },
  { id: 'dg-user', kind: 'producer', base: 2, uscc: '91', gln: false, site: '爆破作业点', name: (r, d) => `惠州市${d.short}${brand(r)}${r.pick(['石场有限公司', '矿业有限公司', '爆破工程有限公司'])}`, licence: (d, n) => ({ type: '爆破作业单位许可证', number: `${d.code}00${pad(n + 1, 3)}` }) },
  { id: 're-mine', kind: 'producer', base: 1, uscc: '91', gln: true, site: '稀土矿区', name: (r) => `惠州市${brand(r)}稀土矿业有限公司`, licence: (d, n) => ({ type: '采矿许可证', number: `C44000020090${pad(n + 3, 5)}`, scope: '离子型稀土矿' }) },
  { id: 're-smelter', kind: 'processor', base: 1, uscc: '91', gln: true, site: '冶炼分离厂', name: (r) => `惠州市${brand(r)}稀土分离有限公司` },
  { id: 're-exporter', kind: 'exporter', base: 1, uscc: '91', gln: true, site: '出口仓库', name: (r) => `惠州市${brand(r)}稀土进出口有限公司` },
  { id: 'importer', kind: 'importer', base: 2, uscc: '91', gln: true, site: '进口商品保税仓', name: (r) => `惠州市${brand(r)}进出口贸易有限公司`, licence: (d, n) => ({ type: '进口食品进口商备案', number: `4413${pad(n + 600, 6)}` }) },
  { id: 'port', kind: 'carrier', base: 1, uscc: '91', gln: true, site: '港区码头', name: () => '惠州港务集团有限公司' },
];

/** One registered firm or regulator of the world. */
export interface WorldParty {
  /** Stable key: `<role>-<n>` or `reg-<department>[-<district>]`. */
  key: string;
  role: string;
  kind: string;
  name: string;
  uscc: string;
  /** Company prefix (7 digits) for the GTINs, GLNs, SSCCs and GIAIs the firm issues; '' for parties without GLN. */
  gcp: string;
  gln?: string;
  uri: string;
  region: string;
  district: District;
  siteName: string;
  siteAddress: string;
  siteGln?: string;
  siteLocalId?: string;
  siteUri: string;
  department?: DepartmentId;
  regions?: string[];
  licences: Array<{ type: string; number: string; scope?: string; validFrom?: string; validTo?: string }>;
}

/** One product a firm registers: a GTIN, or a local-code class for goods with no GS1 key. */
export interface WorldProduct {
  /** The item key the chains look it up by, e.g. `milk-uht`. */
  item: string;
  owner: string;
  line: ProductLineId;
  subKind: string;
  name: string;
  spec: string;
  shelfLifeDays?: number;
  gtin?: string;
  /** A local-code category slug (`pig`) or a whole identifier registered as its own class (a GIAI, a special-equipment code). */
  localCode?: string;
  classUri: string;
}

/** A product template: items each firm of a role registers. */
interface ProductTemplate {
  item: string;
  line: ProductLineId;
  subKind: string;
  name: string;
  spec: string;
  shelfLifeDays?: number;
  /** Local-code category; absent means a GTIN under the firm's prefix. */
  local?: string;
}

const P = (item: string, line: ProductLineId, subKind: string, name: string, spec: string, shelfLifeDays?: number, local?: string): ProductTemplate => ({ item, line, subKind, name, spec, shelfLifeDays, local });

/** What each role registers (the plan's table: every line, its key varieties). */
export const PRODUCT_TEMPLATES: Readonly<Record<string, readonly ProductTemplate[]>> = {
  'pig-farm': [P('pig', 'farm-produce', 'meat', '生猪（杜长大三元）', '出栏体重约110公斤', undefined, 'pig')],
  'veg-base': [P('veg', 'farm-produce', 'vegetables', '菜心（散装）', '散装', 5, 'produce')],
  'herb-base': [P('herb-fresh', 'farm-produce', 'chinese-medicinal-herbs', '广藿香（鲜品）', '散装', 10, 'herb')],
  'herb-processor': [P('herb-dried', 'farm-produce', 'chinese-medicinal-herbs', '罗浮山广藿香（干品）', '1kg/袋', 720)],
  slaughterhouse: [P('pork', 'farm-produce', 'meat', '冷鲜猪肉（白条）', '按重量计', 7), P('sausage', 'food', 'meat-products', '惠州腊肠', '500g/包', 180)],
  'veg-packer': [P('veg-pack', 'farm-produce', 'vegetables', '净菜菜心', '500g/袋', 4)],
  'dairy-farm': [P('raw-milk', 'food', 'dairy-products', '生鲜乳', '散装', 2, 'raw-milk')],
  'grain-coop': [P('paddy', 'food', 'rice', '稻谷（丝苗）', '散装', 365, 'paddy')],
  'oil-crop': [P('peanut', 'food', 'edible-vegetable-oil', '花生（带壳）', '散装', 180, 'peanut')],
  'dairy-plant': [P('milk-uht', 'food', 'dairy-products', '纯牛奶 250mL', '250mL/盒', 180), P('milk-fresh', 'food', 'dairy-products', '巴氏鲜牛奶 950mL', '950mL/瓶', 7)],
  'formula-plant': [P('formula', 'food', 'infant-formula-milk-powder', '婴儿配方奶粉（0-6月龄，1段）', '800g/罐', 720), P('rice-cereal', 'food', 'infant-formula-food', '婴幼儿营养米粉', '225g/盒', 540)],
  'rice-mill': [P('rice', 'food', 'rice', '惠州丝苗米', '5kg/袋', 365), P('rice-wine', 'food', 'alcoholic-drinks', '龙门米酒', '500mL/瓶', 1095)],
  'oil-mill': [P('peanut-oil', 'food', 'edible-vegetable-oil', '压榨一级花生油', '5L/桶', 540)],
  'api-maker': [P('api', 'drug', 'active-pharmaceutical-ingredients', '阿莫西林（原料药）', '25kg/桶', 1095)],
  'pharma-maker': [P('tablet', 'drug', 'drug-preparations', '阿莫西林胶囊 0.25g×24粒', '24粒/盒', 730), P('granule', 'drug', 'drug-preparations', '板蓝根颗粒 10g×20袋', '20袋/盒', 730)],
  'tcm-maker': [P('decoction', 'drug', 'decoction-pieces', '广藿香饮片', '1kg/袋', 540)],
  'input-maker': [
    P('pesticide', 'farm-input', 'pesticides', '阿维菌素乳油 1.8%', '500mL/瓶', 730),
    P('feed', 'farm-input', 'feed', '育肥猪配合饲料', '40kg/袋', 90),
    P('fertiliser', 'farm-input', 'fertilisers', '复合肥 15-15-15', '50kg/袋', 1095),
    P('seed', 'farm-input', 'seeds', '杂交水稻种子 粤禾丝苗', '1kg/袋', 365),
    P('vet-drug', 'farm-input', 'veterinary-drugs', '猪瘟活疫苗', '10头份/瓶', 540),
  ],
  'explosives-maker': [P('explosive', 'dangerous-goods', 'civil-explosives', '乳化炸药（岩石型）', '24kg/箱', 180), P('detonator', 'dangerous-goods', 'civil-explosives', '工业电子雷管', '100发/箱', 730)],
  'chemical-maker': [P('ammonium-nitrate', 'dangerous-goods', 'explosive-precursor-chemicals', '硝酸铵', '25kg/袋', 730), P('cyanide', 'dangerous-goods', 'highly-toxic-chemicals', '氰化钠', '50kg/桶', 730)],
  'fireworks-wholesaler': [P('fireworks', 'dangerous-goods', 'fireworks', '组合烟花 36发', '6个/箱', 1095)],
  're-mine': [P('re-ore', 'rare-earth', 'rare-earth-ore', '离子型稀土精矿（REO≥92%）', '散装', undefined, 're-ore')],
  're-smelter': [
    P('nd-oxide', 'rare-earth', 'rare-earth-separated-products', '氧化钕（Nd2O3≥99.5%）', '50kg/桶'),
    P('pr-oxide', 'rare-earth', 'rare-earth-separated-products', '氧化镨（Pr6O11≥99.5%）', '50kg/桶'),
    P('dy-oxide', 'rare-earth', 'rare-earth-export-products', '氧化镝（Dy2O3≥99.5%）', '25kg/桶'),
  ],
};

/** Imported goods: foreign GTINs under the prefixes of their countries, registered by the importers. */
export const IMPORTS: ReadonlyArray<{ item: string; subKind: string; name: string; spec: string; shelfLifeDays: number; prefix: string; country: string; hs: string; uom: string }> = [
  { item: 'imp-milk-powder', subKind: 'imported-milk-powder', name: '新西兰全脂乳粉 900g', spec: '900g/罐', shelfLifeDays: 720, prefix: '9421', country: 'NZ', hs: '0402210000', uom: 'H87' },
  { item: 'imp-wine', subKind: 'imported-wine', name: '法国波尔多红葡萄酒 750mL', spec: '750mL/瓶', shelfLifeDays: 3650, prefix: '3760', country: 'FR', hs: '2204210000', uom: 'H87' },
  { item: 'imp-whisky', subKind: 'imported-whisky', name: '苏格兰单一麦芽威士忌 700mL', spec: '700mL/瓶', shelfLifeDays: 3650, prefix: '5010', country: 'GB', hs: '2208300000', uom: 'H87' },
  { item: 'imp-olive-oil', subKind: 'imported-olive-oil', name: '西班牙特级初榨橄榄油 1L', spec: '1L/瓶', shelfLifeDays: 540, prefix: '8410', country: 'ES', hs: '1509200000', uom: 'H87' },
  { item: 'imp-rice', subKind: 'imported-fragrant-rice', name: '泰国茉莉香米 5kg', spec: '5kg/袋', shelfLifeDays: 540, prefix: '8850', country: 'TH', hs: '1006302000', uom: 'H87' },
  { item: 'imp-water', subKind: 'imported-mineral-water', name: '法国天然矿泉水 500mL', spec: '500mL/瓶', shelfLifeDays: 720, prefix: '3068', country: 'FR', hs: '2201101000', uom: 'H87' },
  { item: 'imp-tea', subKind: 'imported-tea', name: '斯里兰卡锡兰红茶 250g', spec: '250g/盒', shelfLifeDays: 1095, prefix: '4792', country: 'LK', hs: '0902301000', uom: 'H87' },
];

/** Foreign trading partners named by GLN in source/destination lists (not registered here). */
export const FOREIGN_PARTIES: Readonly<Record<string, string>> = {
  NZ: gs1('942100000100'), FR: gs1('376000000100'), GB: gs1('501000000100'), ES: gs1('841000000100'),
  TH: gs1('885000000100'), LK: gs1('479200000100'), JP: gs1('450000000100'), DE: gs1('400000000100'),
};

/** The world a run builds: parties by role, products by owner and item, special-equipment units by holder. */
export interface World {
  seed: number;
  parties: WorldParty[];
  byRole: Map<string, WorldParty[]>;
  byKey: Map<string, WorldParty>;
  products: WorldProduct[];
  /** owner key → item → product */
  productOf: Map<string, Map<string, WorldProduct>>;
  /** filling-station key → GIAIs of its cylinders; user key → special-equipment codes of its elevators. */
  cylinders: Map<string, string[]>;
  elevators: Map<string, string[]>;
}

/** Parties of a role at this scale: the role's base count times a multiplier growing with the event count. */
export function scaleMultiplier(events: number): number {
  return Math.max(1, Math.min(4, Math.ceil(events / 2_500_000)));
}

/**
 * Builds the world for a seed and a scale: parties (every role spread over the five districts and counties, the eight
 * departments' regulators at city level plus district food-drug and agriculture offices), their products, and the
 * special-equipment units (cylinders per filling station, elevators per building) registered one by one.
 */
export function buildWorld(seed: number, events: number): World {
  const rng = new Rng(seedOf(seed, 'world'));
  const mult = scaleMultiplier(events);
  const parties: WorldParty[] = [];
  const names = new Set<string>();
  let firmIndex = 0;
  for (const [roleIndex, role] of ROLES.entries()) {
    const count = role.base === 1 ? Math.max(1, Math.ceil(mult / 2)) : role.base * mult;
    for (let n = 0; n < count; n++) {
      const d = DISTRICTS[(n + roleIndex) % DISTRICTS.length]!;
      let name = role.name(rng, d, n);
      for (let tries = 0; names.has(name) && tries < 20; tries++) name = role.name(rng, d, n + tries + 1);
      if (names.has(name)) name = `${name}（${n + 1}）`;
      names.add(name);
      firmIndex++;
      const gcp = `697${pad(firmIndex, 4)}`;
      const uscc = makeUscc(role.uscc, d.code, seed, firmIndex);
      const gln = role.gln ? gs1(`${gcp}00000`) : undefined;
      const siteGln = role.gln ? gs1(`${gcp}00101`) : undefined;
      const siteLocalId = role.gln ? undefined : `${role.id.toUpperCase()}-${pad(n + 1, 3)}`;
      const t = rng.pick(d.towns);
      parties.push({
        key: `${role.id}-${n}`, role: role.id, kind: role.kind, name, uscc, gcp, gln, uri: partyUri({ gln, uscc }),
        region: d.code, district: d, siteName: `${name.replace(/有限公司|专业合作社|管理有限公司/g, '')}${role.site}`,
        siteAddress: `惠州市${d.name}${t}${rng.pick(d.roads)}${rng.int(1, 388)}号`, siteGln, siteLocalId,
        siteUri: siteUri({ gln: siteGln, localId: siteLocalId, partyUscc: uscc }),
        licences: role.licence ? [{ ...role.licence(d, n), validFrom: '2024-01-01', validTo: '2029-12-31' }] : [],
      });
    }
  }
  const departments: DepartmentId[] = ['agriculture', 'commerce', 'food-drug', 'quality', 'public-security', 'work-safety', 'industry-it', 'customs'];
  for (const dep of departments) parties.push(regulator(dep, undefined, seed, ++firmIndex));
  for (const d of DISTRICTS) {
    parties.push(regulator('food-drug', d, seed, ++firmIndex));
    parties.push(regulator('agriculture', d, seed, ++firmIndex));
  }

  const byRole = new Map<string, WorldParty[]>();
  const byKey = new Map<string, WorldParty>();
  for (const p of parties) {
    byKey.set(p.key, p);
    const list = byRole.get(p.role) ?? [];
    list.push(p);
    byRole.set(p.role, list);
  }

  const products: WorldProduct[] = [];
  const productOf = new Map<string, Map<string, WorldProduct>>();
  const add = (p: WorldProduct) => {
    products.push(p);
    const m = productOf.get(p.owner) ?? new Map<string, WorldProduct>();
    m.set(p.item, p);
    productOf.set(p.owner, m);
  };
  for (const p of parties) {
    const templates = PRODUCT_TEMPLATES[p.role] ?? [];
    templates.forEach((t, i) => {
      if (t.local) {
        add({ ...base(t, p.key), localCode: t.local, classUri: `urn:suyuan:local:${p.uscc}:${t.local}` });
      } else {
        const gtin = gs1(`${p.gcp}${pad(100 + i, 5)}`);
        add({ ...base(t, p.key), gtin, classUri: `https://id.gs1.org/01/0${gtin}` });
      }
    });
    if (p.role === 'importer') {
      IMPORTS.forEach((imp, i) => {
        const gtin = gs1(`${imp.prefix}${pad(Number(p.gcp.slice(3)) * 10 + i, 8)}`);
        add({ item: imp.item, owner: p.key, line: 'import-export', subKind: imp.subKind, name: imp.name, spec: imp.spec, shelfLifeDays: imp.shelfLifeDays, gtin, classUri: `https://id.gs1.org/01/0${gtin}` });
      });
    }
  }

  // Special equipment is registered unit by unit (使用登记): each cylinder (GIAI) and elevator (特种设备代码) is its own
  // product record, so the events that name only the unit still fall under the special-equipment line.
  const cylinders = new Map<string, string[]>();
  const elevators = new Map<string, string[]>();
  const perStation = Math.max(6, Math.min(1000, Math.ceil(events / 10_000)));
  for (const s of byRole.get('filling-station') ?? []) {
    const list: string[] = [];
    for (let i = 0; i < perStation; i++) {
      const giai = `https://id.gs1.org/8004/${s.gcp}LPG${pad(i + 1, 6)}`;
      list.push(giai);
      add({ item: `cylinder-${i}`, owner: s.key, line: 'special-equipment', subKind: 'gas-cylinders', name: `液化石油气钢瓶 YSP35.5（${pad(i + 1, 6)}）`, spec: '15kg 充装量', localCode: giai, classUri: giai });
    }
    cylinders.set(s.key, list);
  }
  const buildings = [...(byRole.get('supermarket') ?? []), ...(byRole.get('hospital') ?? [])];
  for (const [b, owner] of buildings.entries()) {
    const list: string[] = [];
    for (let i = 0; i < 2; i++) {
      const code = `3110${owner.region}${2015 + ((b + i) % 10)}${pad(b * 2 + i + 1, 4)}`;
      const uri = `urn:suyuan:equip:${code}`;
      list.push(uri);
      add({ item: `elevator-${i}`, owner: owner.key, line: 'special-equipment', subKind: 'elevators', name: `曳引驱动乘客电梯（${i + 1}号梯）`, spec: '1000kg 1.75m/s', localCode: uri, classUri: uri });
    }
    elevators.set(owner.key, list);
  }
  return { seed, parties, byRole, byKey, products, productOf, cylinders, elevators };
}

function base(t: ProductTemplate, owner: string) {
  return { item: t.item, owner, line: t.line, subKind: t.subKind, name: t.name, spec: t.spec, shelfLifeDays: t.shelfLifeDays };
}

function regulator(dep: DepartmentId, d: District | undefined, seed: number, index: number): WorldParty {
  const deptName = getDepartment(dep).nameZh;
  const name = d ? `惠州市${d.name}${deptName.replace(/^市/, '')}` : deptName.startsWith('市') ? `惠州${deptName}` : deptName;
  const region = d?.code ?? '441300';
  const uscc = makeUscc('11', region, seed, index);
  return {
    key: d ? `reg-${dep}-${d.code}` : `reg-${dep}`, role: 'regulator', kind: 'regulator', name, uscc, gcp: '', uri: partyUri({ uscc }), region,
    district: d ?? DISTRICTS[0]!, siteName: '', siteAddress: '', siteUri: '', department: dep, regions: [region], licences: [],
  };
}

/** A valid 统一社会信用代码: authority/type, region, a 9-character organisation code, the GB 32100 check character. */
function makeUscc(prefix: string, region: string, seed: number, index: number): string {
  let n = index * 7919 + (seed % 1000) * 104729;
  let org = '';
  for (let i = 0; i < 7; i++) {
    org = USCC_CHARS[n % 31] + org;
    n = Math.floor(n / 31);
  }
  const first17 = `${prefix}${region}MA${org}`;
  return first17 + usccCheckChar(first17);
}
