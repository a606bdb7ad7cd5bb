import { gs1CheckDigit } from '../../domain/identifiers/gs1-linters.ts';
import { makeLocalCode, usccCheckChar } from '../../domain/identifiers/index.ts';
import type { AddSiteInput } from '../add-site.ts';
import type { RegisterPartyInput } from '../register-party.ts';

/** A complete USCC from its first 17 characters (GB 32100 check character added). */
export function uscc(first17: string): string {
  return first17 + usccCheckChar(first17);
}

/** A GS1 key (GTIN-13, GLN, SSCC body…) with its mod-10 check digit added. */
export function withCheckDigit(body: string): string {
  return body + String(gs1CheckDigit(body));
}

/** Demo company prefix: 697 is a China prefix range; 6970123 is fictitious. */
const GCP = '6970123';

/** A demo party: what registerParty takes, a name to refer to it by, and its sites (what addSite takes, named too). */
export type DemoParty = RegisterPartyInput & { key: string; sites: Array<AddSiteInput & { key: string }> };

/** Fictitious but realistic Huizhou firms and regulators for the pork and dairy chains. */
export const DEMO_PARTIES: DemoParty[] = [
  {
    key: 'farm', uscc: uscc('91441322MA51PK0F1'), name: '惠州市博罗县绿源生态养殖有限公司', kind: 'farm', region: '441322',
    licences: [{ type: '动物防疫条件合格证', number: '(粤)动防合字第441322-2024-017号', validFrom: '2024-03-01', validTo: '2029-02-28' }],
    sites: [{ key: 'farm-site', name: '石湾镇生猪养殖基地', address: '惠州市博罗县石湾镇铁场村', region: '441322', localId: 'PIGFARM-01' }],
  },
  {
    key: 'slaughter', uscc: uscc('91441303MA52KH0T2'), name: '惠州市惠阳区金盛肉联有限公司', kind: 'slaughterhouse', region: '441303',
    gln: withCheckDigit(`${GCP}00001`),
    licences: [{ type: '生猪定点屠宰证', number: 'A44130301', validFrom: '2023-06-01', validTo: '2028-05-31' }],
    sites: [{ key: 'slaughter-site', name: '淡水屠宰加工厂', address: '惠州市惠阳区淡水街道金惠大道88号', region: '441303', gln: withCheckDigit(`${GCP}00101`) }],
  },
  {
    key: 'market', uscc: uscc('91441302MA53WM0K3'), name: '惠州市惠城区东江农产品批发市场有限公司', kind: 'market', region: '441302',
    gln: withCheckDigit(`${GCP}00002`),
    licences: [{ type: '食品经营许可证', number: 'JY14413020012345' }],
    sites: [{ key: 'market-site', name: '东江农批市场肉类交易区', address: '惠州市惠城区江北街道东江大道1号', region: '441302', gln: withCheckDigit(`${GCP}00102`) }],
  },
  {
    key: 'supermarket', uscc: uscc('91441302MA54XP0M4'), name: '惠州市鹏城百佳超市有限公司', kind: 'retailer', region: '441302',
    gln: withCheckDigit(`${GCP}00003`),
    licences: [{ type: '食品经营许可证', number: 'JY14413020023456' }],
    sites: [{ key: 'supermarket-site', name: '百佳超市下埔店', address: '惠州市惠城区下埔路12号', region: '441302', gln: withCheckDigit(`${GCP}00103`) }],
  },
  {
    key: 'canteen', uscc: uscc('12441302MB1C0A0N5'), name: '惠州市惠城区实验小学', kind: 'canteen', region: '441302',
    licences: [{ type: '食品经营许可证（单位食堂）', number: 'JY34413020034567' }],
    sites: [{ key: 'canteen-site', name: '实验小学学生食堂', address: '惠州市惠城区麦地路6号', region: '441302', localId: 'CANTEEN-01' }],
  },
  {
    key: 'dairy-farm', uscc: uscc('91441323MA55NC0D6'), name: '惠州市惠东县高潭牧业有限公司', kind: 'farm', region: '441323',
    licences: [{ type: '生鲜乳收购许可证', number: '粤(2024)441323-003' }],
    sites: [{ key: 'dairy-farm-site', name: '高潭奶牛牧场', address: '惠州市惠东县高潭镇中洞村', region: '441323', localId: 'DAIRYFARM-01' }],
  },
  {
    key: 'dairy-plant', uscc: uscc('91441303MA56RY0E7'), name: '惠州市绿野乳业有限公司', kind: 'producer', region: '441303',
    gln: withCheckDigit(`${GCP}00004`),
    licences: [{ type: '食品生产许可证', number: 'SC10544130300456', scope: '乳制品[液体乳(巴氏杀菌乳、灭菌乳)]' }],
    sites: [{ key: 'dairy-plant-site', name: '绿野乳业新圩工厂', address: '惠州市惠阳区新圩镇长布村工业区', region: '441303', gln: withCheckDigit(`${GCP}00104`) }],
  },
  {
    key: 'distributor', uscc: uscc('91441324MA57LM0F8'), name: '惠州市龙门县华联食品配送有限公司', kind: 'wholesaler', region: '441324',
    gln: withCheckDigit(`${GCP}00005`),
    licences: [{ type: '食品经营许可证', number: 'JY14413240045678' }],
    sites: [{ key: 'distributor-site', name: '龙门配送中心', address: '惠州市龙门县龙城街道西林工业区', region: '441324', gln: withCheckDigit(`${GCP}00105`) }],
  },
  {
    key: 'reg-agriculture', uscc: uscc('11441300MB2D0A0G9'), name: '惠州市农业局', kind: 'regulator', region: '441300',
    department: 'agriculture', regions: ['441300'], sites: [],
  },
  {
    key: 'reg-commerce', uscc: uscc('11441300MB2D0C0H0'), name: '惠州市商务局', kind: 'regulator', region: '441300',
    department: 'commerce', regions: ['441300'], sites: [],
  },
  {
    key: 'reg-food-drug', uscc: uscc('11441300MB2D0F0J1'), name: '惠州市食品药品监督管理局', kind: 'regulator', region: '441300',
    department: 'food-drug', regions: ['441300'], sites: [],
  },
  {
    key: 'reg-huicheng-food-drug', uscc: uscc('11441302MB2D0F0K2'), name: '惠州市惠城区食品药品监督管理局', kind: 'regulator', region: '441302',
    department: 'food-drug', regions: ['441302'], sites: [],
  },
];

/** Products: a GTIN for packed goods, a local code class for live pigs and raw milk (no GS1 key). */
export const DEMO_PRODUCTS = [
  { owner: 'farm', localCode: 'pig', name: '生猪（杜长大三元）', category: 'farm-produce', subKind: 'meat', spec: '出栏体重约110公斤' },
  { owner: 'slaughter', gtin: withCheckDigit(`${GCP}10001`), name: '冷鲜猪肉（白条）', category: 'farm-produce', subKind: 'meat', spec: '按重量计', shelfLifeDays: 7 },
  { owner: 'dairy-farm', localCode: 'raw-milk', name: '生鲜乳', category: 'food', subKind: 'dairy-products', spec: '散装', shelfLifeDays: 2 },
  { owner: 'dairy-plant', gtin: withCheckDigit(`${GCP}20001`), name: '绿野纯牛奶 250mL', category: 'food', subKind: 'dairy-products', spec: '250mL/盒', shelfLifeDays: 180 },
] as const;

type Json = Record<string, unknown>;
const CONTEXT = ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'];

/** A demo milk carton sold at the supermarket: the unit the start banner offers to scan. */
export const DEMO_SCAN_UNIT = `https://id.gs1.org/01/0${withCheckDigit(`${GCP}20001`)}/21/LY2611060001`;

/** Builds the demo chains as EPCIS documents, one per capturing firm, in time order. */
export function buildDemoDocuments(uri: (partyKey: string) => string, site: (siteKey: string) => string): Array<{ by: string; events: Json[] }> {
  const farmUscc = DEMO_PARTIES.find((p) => p.key === 'farm')!.uscc;
  const dairyFarmUscc = DEMO_PARTIES.find((p) => p.key === 'dairy-farm')!.uscc;
  const pigLot = makeLocalCode({ issuerUscc: farmUscc, category: 'pig', code: '20261101A' });
  const porkGtin = withCheckDigit(`${GCP}10001`);
  const porkLot = `https://id.gs1.org/01/0${porkGtin}/10/ZR20261103`;
  const milkLot = makeLocalCode({ issuerUscc: dairyFarmUscc, category: 'raw-milk', code: '20261105M' });
  const milkGtin = withCheckDigit(`${GCP}20001`);
  const cartonLot = `https://id.gs1.org/01/0${milkGtin}/10/LY261106`;
  const cartons = [1, 2, 3].map((n) => `https://id.gs1.org/01/0${milkGtin}/21/LY261106${String(n).padStart(4, '0')}`);
  const pallet = `https://id.gs1.org/00/${withCheckDigit(`0${GCP}000000001`)}`;
  const t = (d: string) => ({ eventTime: `${d}+08:00`, eventTimeZoneOffset: '+08:00' });
  const q = (epcClass: string, quantity: number, uom?: string) => ({ epcClass, quantity, ...(uom ? { uom } : {}) });
  const custody = (from: string, to: string) => ({
    sourceList: [{ type: 'owning_party', source: uri(from) }],
    destinationList: [{ type: 'owning_party', destination: uri(to) }],
  });
  const ev = (type: string, body: Json) => ({ type, ...body });

  return [
    { by: 'farm', events: [
      ev('ObjectEvent', { ...t('2026-11-01T08:00:00'), action: 'ADD', bizStep: 'commissioning', disposition: 'active', quantityList: [q(pigLot, 20, 'H87')], readPoint: { id: site('farm-site') }, bizLocation: { id: site('farm-site') } }),
      ev('ObjectEvent', { ...t('2026-11-03T05:30:00'), action: 'OBSERVE', bizStep: 'shipping', disposition: 'in_transit', quantityList: [q(pigLot, 20, 'H87')], readPoint: { id: site('farm-site') }, ...custody('farm', 'slaughter'), bizTransactionList: [{ type: 'cert', bizTransaction: 'urn:suyuan:cert:quarantine:A4413220261103001' }] }),
    ] },
    { by: 'slaughter', events: [
      ev('ObjectEvent', { ...t('2026-11-03T08:10:00'), action: 'OBSERVE', bizStep: 'receiving', disposition: 'in_progress', quantityList: [q(pigLot, 20, 'H87')], readPoint: { id: site('slaughter-site') }, bizLocation: { id: site('slaughter-site') }, ...custody('farm', 'slaughter') }),
      ev('TransformationEvent', { ...t('2026-11-03T10:00:00'), bizStep: 'killing', disposition: 'active', inputQuantityList: [q(pigLot, 20, 'H87')], outputQuantityList: [q(porkLot, 1580, 'KGM')], readPoint: { id: site('slaughter-site') }, bizLocation: { id: site('slaughter-site') }, ilmd: { 'cbvmda:itemExpirationDate': '2026-11-10' } }),
      ev('ObjectEvent', { ...t('2026-11-03T16:00:00'), action: 'OBSERVE', bizStep: 'shipping', disposition: 'in_transit', quantityList: [q(porkLot, 1580, 'KGM')], readPoint: { id: site('slaughter-site') }, ...custody('slaughter', 'market'), bizTransactionList: [{ type: 'desadv', bizTransaction: 'urn:suyuan:desadv:JS20261103-07' }] }),
    ] },
    { by: 'market', events: [
      ev('ObjectEvent', { ...t('2026-11-03T21:30:00'), action: 'OBSERVE', bizStep: 'receiving', disposition: 'in_progress', quantityList: [q(porkLot, 1580, 'KGM')], readPoint: { id: site('market-site') }, bizLocation: { id: site('market-site') }, ...custody('slaughter', 'market') }),
      ev('ObjectEvent', { ...t('2026-11-03T22:00:00'), action: 'OBSERVE', bizStep: 'inspecting', disposition: 'conformant', quantityList: [q(porkLot, 1580, 'KGM')], readPoint: { id: site('market-site') }, bizTransactionList: [{ type: 'testres', bizTransaction: 'urn:suyuan:testres:DJ-KJ-20261103-112' }] }),
      ev('ObjectEvent', { ...t('2026-11-04T04:30:00'), action: 'OBSERVE', bizStep: 'shipping', disposition: 'in_transit', quantityList: [q(porkLot, 600, 'KGM')], readPoint: { id: site('market-site') }, ...custody('market', 'supermarket') }),
      ev('ObjectEvent', { ...t('2026-11-04T04:45:00'), action: 'OBSERVE', bizStep: 'shipping', disposition: 'in_transit', quantityList: [q(porkLot, 200, 'KGM')], readPoint: { id: site('market-site') }, ...custody('market', 'canteen') }),
    ] },
    { by: 'supermarket', events: [
      ev('ObjectEvent', { ...t('2026-11-04T06:10:00'), action: 'OBSERVE', bizStep: 'receiving', disposition: 'sellable_accessible', quantityList: [q(porkLot, 600, 'KGM')], readPoint: { id: site('supermarket-site') }, bizLocation: { id: site('supermarket-site') }, ...custody('market', 'supermarket') }),
      ev('ObjectEvent', { ...t('2026-11-04T20:00:00'), action: 'OBSERVE', bizStep: 'retail_selling', disposition: 'retail_sold', quantityList: [q(porkLot, 412.5, 'KGM')], readPoint: { id: site('supermarket-site') }, bizLocation: { id: site('supermarket-site') } }),
    ] },
    { by: 'canteen', events: [
      ev('ObjectEvent', { ...t('2026-11-04T06:30:00'), action: 'OBSERVE', bizStep: 'receiving', disposition: 'in_progress', quantityList: [q(porkLot, 200, 'KGM')], readPoint: { id: site('canteen-site') }, bizLocation: { id: site('canteen-site') }, ...custody('market', 'canteen') }),
    ] },
    { by: 'dairy-farm', events: [
      ev('ObjectEvent', { ...t('2026-11-05T05:00:00'), action: 'ADD', bizStep: 'commissioning', disposition: 'active', quantityList: [q(milkLot, 3200, 'KGM')], readPoint: { id: site('dairy-farm-site') }, bizLocation: { id: site('dairy-farm-site') } }),
      ev('ObjectEvent', { ...t('2026-11-05T07:00:00'), action: 'OBSERVE', bizStep: 'shipping', disposition: 'in_transit', quantityList: [q(milkLot, 3200, 'KGM')], readPoint: { id: site('dairy-farm-site') }, ...custody('dairy-farm', 'dairy-plant'),
        sensorElementList: [{ sensorMetadata: { time: '2026-11-05T08:30:00+08:00' }, sensorReport: [{ type: 'Temperature', value: 3.6, uom: 'CEL' }] }] }),
    ] },
    { by: 'dairy-plant', events: [
      ev('ObjectEvent', { ...t('2026-11-05T09:00:00'), action: 'OBSERVE', bizStep: 'receiving', disposition: 'in_progress', quantityList: [q(milkLot, 3200, 'KGM')], readPoint: { id: site('dairy-plant-site') }, bizLocation: { id: site('dairy-plant-site') }, ...custody('dairy-farm', 'dairy-plant') }),
      ev('TransformationEvent', { ...t('2026-11-06T10:00:00'), bizStep: 'commissioning', disposition: 'active', inputQuantityList: [q(milkLot, 3200, 'KGM')], outputEPCList: cartons, outputQuantityList: [q(cartonLot, 12000, 'H87')], readPoint: { id: site('dairy-plant-site') }, bizLocation: { id: site('dairy-plant-site') }, ilmd: { 'cbvmda:itemExpirationDate': '2027-05-05', 'cbvmda:lotNumber': 'LY261106' } }),
      ev('AggregationEvent', { ...t('2026-11-06T15:00:00'), action: 'ADD', bizStep: 'packing', disposition: 'in_progress', parentID: pallet, childEPCs: cartons, readPoint: { id: site('dairy-plant-site') } }),
      ev('ObjectEvent', { ...t('2026-11-07T08:00:00'), action: 'OBSERVE', bizStep: 'shipping', disposition: 'in_transit', epcList: [pallet], quantityList: [q(cartonLot, 4800, 'H87')], readPoint: { id: site('dairy-plant-site') }, ...custody('dairy-plant', 'distributor') }),
    ] },
    { by: 'distributor', events: [
      ev('ObjectEvent', { ...t('2026-11-07T13:00:00'), action: 'OBSERVE', bizStep: 'receiving', disposition: 'in_progress', epcList: [pallet], quantityList: [q(cartonLot, 4800, 'H87')], readPoint: { id: site('distributor-site') }, bizLocation: { id: site('distributor-site') }, ...custody('dairy-plant', 'distributor') }),
      ev('AggregationEvent', { ...t('2026-11-08T07:00:00'), action: 'DELETE', bizStep: 'unpacking', disposition: 'in_progress', parentID: pallet, childEPCs: cartons, readPoint: { id: site('distributor-site') } }),
      ev('ObjectEvent', { ...t('2026-11-08T08:00:00'), action: 'OBSERVE', bizStep: 'shipping', disposition: 'in_transit', epcList: cartons, quantityList: [q(cartonLot, 1200, 'H87')], readPoint: { id: site('distributor-site') }, ...custody('distributor', 'supermarket') }),
    ] },
    { by: 'supermarket', events: [
      ev('ObjectEvent', { ...t('2026-11-08T14:00:00'), action: 'OBSERVE', bizStep: 'receiving', disposition: 'sellable_accessible', epcList: cartons, quantityList: [q(cartonLot, 1200, 'H87')], readPoint: { id: site('supermarket-site') }, bizLocation: { id: site('supermarket-site') }, ...custody('distributor', 'supermarket') }),
      ev('ObjectEvent', { ...t('2026-11-09T19:30:00'), action: 'OBSERVE', bizStep: 'retail_selling', disposition: 'retail_sold', epcList: [cartons[0]], readPoint: { id: site('supermarket-site') }, bizLocation: { id: site('supermarket-site') } }),
    ] },
  ].map((d) => ({ by: d.by, events: d.events }));
}

/** Wraps events as an EPCIS 2.0 document. */
export function epcisDocument(events: Json[], creationDate: string): Json {
  return { '@context': CONTEXT, type: 'EPCISDocument', schemaVersion: '2.0', creationDate, epcisBody: { eventList: events } };
}
