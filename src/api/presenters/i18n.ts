/** The public pages speak Chinese first, with English (issue 4 §2). */
export type Lang = 'zh' | 'en';

/** `?lang=en` switches; anything else is Chinese. */
export function langOf(query: unknown): Lang {
  return (query as { lang?: unknown } | undefined)?.lang === 'en' ? 'en' : 'zh';
}

const TEXT = {
  siteName: { zh: '惠州市重要产品追溯', en: 'Huizhou Product Traceability' },
  switchLang: { zh: 'English', en: '中文' },
  product: { zh: '产品信息', en: 'Product' },
  category: { zh: '类别', en: 'Category' },
  spec: { zh: '规格', en: 'Specification' },
  code: { zh: '追溯码', en: 'Code' },
  lot: { zh: '批号', en: 'Lot' },
  serial: { zh: '序列号', en: 'Serial' },
  produced: { zh: '生产日期', en: 'Produced' },
  expiry: { zh: '保质期至', en: 'Use by' },
  producer: { zh: '生产经营者', en: 'Producer' },
  uscc: { zh: '统一社会信用代码', en: 'Unified social credit code' },
  licences: { zh: '许可证', en: 'Licences' },
  certificates: { zh: '认证证书', en: 'Certificates' },
  credit: { zh: '信用状况', en: 'Credit standing' },
  creditGood: { zh: '良好', en: 'Good' },
  creditBad: { zh: '列入严重失信名单', en: 'On the dishonesty blacklist' },
  chain: { zh: '追溯链条', en: 'Chain of custody' },
  noChain: { zh: '暂无追溯记录', en: 'No records yet' },
  inspections: { zh: '检验检测', en: 'Inspections and tests' },
  noInspections: { zh: '暂无检验记录', en: 'No inspection records' },
  report: { zh: '报告编号', en: 'Report' },
  verified: { zh: '记录已核验：与存证账本一致', en: 'Verified: records match the integrity ledger' },
  notVerified: { zh: '核验失败：记录与存证账本不一致', en: 'Verification failed: records do not match the ledger' },
  noRecords: { zh: '无可核验记录', en: 'No records to verify' },
  proof: { zh: '查看证明', en: 'See the proof' },
  recalled: { zh: '召回警示：本产品正在召回，请停止食用或使用', en: 'RECALL: this product is being recalled — do not use it' },
  expired: { zh: '已过期：本产品已超过保质期', en: 'EXPIRED: this product is past its use-by date' },
  blacklisted: { zh: '失信警示：相关企业列入严重失信名单', en: 'WARNING: a firm in this chain is on the dishonesty blacklist' },
  suspicious: { zh: '疑似假冒：此码查询次数异常或在相距较远的地区被查询，请谨慎', en: 'POSSIBLE COUNTERFEIT: this code was scanned unusually often or in far-apart places' },
  firstScan: { zh: '首次查询', en: 'First scan' },
  scannedTimes: { zh: '已被查询 {n} 次', en: 'Scanned {n} times' },
  firstScannedAt: { zh: '首次查询于 {at}', en: 'first scanned {at}' },
  notYouFirst: { zh: '如果首次查询的不是您，请向卖家核实', en: 'If the first scan was not yours, check with the seller' },
  notices: { zh: '消费提示', en: 'Consumer notices' },
  complain: { zh: '投诉举报', en: 'File a complaint' },
  complaintWhat: { zh: '问题描述', en: 'What happened' },
  complaintContact: { zh: '联系方式（可选，仅监管部门可见）', en: 'Contact (optional, seen by regulators only)' },
  complaintRegion: { zh: '所在地区（可选）', en: 'District (optional)' },
  submit: { zh: '提交', en: 'Submit' },
  track: { zh: '查询投诉进度', en: 'Track a complaint' },
  trackingNo: { zh: '受理编号', en: 'Tracking number' },
  lookup: { zh: '查询', en: 'Look up' },
  complaintFiled: { zh: '投诉已受理，请保存受理编号', en: 'Complaint received — keep the tracking number' },
  status: { zh: '状态', en: 'Status' },
  statusOpen: { zh: '处理中', en: 'Being handled' },
  statusAnswered: { zh: '已答复', en: 'Answered' },
  answer: { zh: '答复', en: 'Answer' },
  filedAt: { zh: '提交时间', en: 'Filed' },
  content: { zh: '内容', en: 'Content' },
  noticesPage: { zh: '消费提示与失信名单', en: 'Consumer notices and blacklist' },
  blacklist: { zh: '严重失信名单', en: 'Dishonesty blacklist' },
  none: { zh: '暂无', en: 'None' },
  reason: { zh: '原因', en: 'Reason' },
  since: { zh: '列入日期', en: 'Listed' },
  notRegistered: { zh: '此码未在本平台登记', en: 'This code is not registered here' },
  notRegisteredHelp: { zh: '本平台只解析惠州市登记企业的产品码。请使用省级或国家追溯平台查询。', en: 'This platform resolves the codes of firms registered in Huizhou. Try the provincial or national platform.' },
  badCode: { zh: '无法识别的追溯码', en: 'Unrecognised code' },
  notFound: { zh: '未找到', en: 'Not found' },
  search: { zh: '输入或粘贴追溯码', en: 'Enter or paste a code' },
  query: { zh: '一站式查询', en: 'One-stop query' },
  home: { zh: '首页', en: 'Home' },
  proofTitle: { zh: '存证证明', en: 'Integrity proof' },
  proofIntro: {
    zh: '每条追溯记录在采集时计算 GS1 CBV 2.0 事件哈希，写入 RFC 9162 Merkle 存证账本。下表逐条列出记录、其叶子序号和包含证明的核验结果。',
    en: 'Every record gets its GS1 CBV 2.0 event hash at capture, appended to an RFC 9162 Merkle ledger. Each record below with its leaf index and the result of checking its inclusion proof.',
  },
  treeSize: { zh: '账本大小', en: 'Tree size' },
  rootHash: { zh: '根哈希', en: 'Root hash' },
  publicKey: { zh: '公钥', en: 'Public key' },
  proofJson: { zh: '下载证明（JSON）', en: 'Download the proof (JSON)' },
  ok: { zh: '一致', en: 'OK' },
  failed: { zh: '不一致', en: 'FAILED' },
  conformant: { zh: '合格', en: 'Passed' },
  non_conformant: { zh: '不合格', en: 'Failed' },
  truncated: { zh: '链条较长，仅显示部分', en: 'Long chain: partly shown' },
  stepsHidden: { zh: '中间另有 {n} 步未显示，完整记录见核验页', en: '{n} more steps in between, all on the proof page' },
  inspectionsHidden: { zh: '另有 {n} 次更早的检验，见核验页', en: '{n} earlier inspections, on the proof page' },
} as const;

export type TextKey = keyof typeof TEXT;

/** The text in the page's language, with `{name}` placeholders filled. */
export function t(lang: Lang, key: TextKey, vars: Record<string, string | number> = {}): string {
  return TEXT[key][lang].replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? ''));
}

const STEPS: Record<string, [string, string]> = {
  accepting: ['验收', 'Accepted'], arriving: ['到达', 'Arrived'], assembling: ['组装', 'Assembled'], collecting: ['收集', 'Collected'],
  commissioning: ['生产赋码', 'Produced and coded'], consigning: ['托运', 'Consigned'], creating_class_instance: ['生产', 'Produced'],
  decommissioning: ['注销', 'Decommissioned'], departing: ['出发', 'Departed'], destroying: ['销毁', 'Destroyed'], disassembling: ['拆解', 'Disassembled'],
  dispensing: ['发药', 'Dispensed'], encoding: ['编码', 'Encoded'], holding: ['暂扣', 'Held'], inspecting: ['检验检测', 'Inspected'],
  installing: ['安装', 'Installed'], killing: ['屠宰', 'Slaughtered'], loading: ['装载', 'Loaded'], packing: ['包装', 'Packed'],
  picking: ['拣货', 'Picked'], receiving: ['收货入库', 'Received'], removing: ['移除', 'Removed'], repackaging: ['分装', 'Repackaged'],
  repairing: ['维修', 'Repaired'], retail_selling: ['零售', 'Sold at retail'], shipping: ['发货', 'Shipped'], staging_outbound: ['待发', 'Staged'],
  stocking: ['上架', 'Stocked'], storing: ['储存', 'Stored'], transporting: ['运输', 'Transported'], unloading: ['卸货', 'Unloaded'],
  unpacking: ['拆包', 'Unpacked'], sampling: ['抽样', 'Sampled'], sensor_reporting: ['环境监测', 'Sensor reading'],
  // lineage kinds, for events with no bizStep
  transformed_into: ['加工', 'Processed'], commissioned: ['生产赋码', 'Produced and coded'], shipped: ['发货', 'Shipped'], received: ['收货', 'Received'],
  packed: ['包装', 'Packed'], unpacked: ['拆包', 'Unpacked'], sold: ['销售', 'Sold'], observed: ['记录', 'Recorded'],
};

/** A business step or lineage kind in words. */
export function stepName(lang: Lang, step: string): string {
  const s = STEPS[step];
  return s ? s[lang === 'zh' ? 0 : 1] : step.replace(/_/g, ' ');
}
