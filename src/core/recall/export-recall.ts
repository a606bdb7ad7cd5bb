import { PassThrough } from 'node:stream';
import type { Actor } from '../actor.ts';
import type { Deps } from '../deps.ts';
import { recordAudit } from '../record-audit.ts';
import { holderNodes, PLACE_IS_FROM } from '../unit-movements.ts';
import { getRecall } from './open-recall.ts';
import { nextTurn, TurnCounter } from '../../domain/turns.ts';

/** Rows made or written between turns of the event loop (see nextTurn): a 100,000-unit recall's exports take seconds. */
export const ROWS_PER_TURN = 1_000;

/**
 * One row per critical tracking event of an affected unit, with the key data elements the US FDA's FSMA 204
 * "electronic sortable spreadsheet" asks for (docs/recall.md gives the mapping from EPCIS).
 */
export interface TraceabilityRow {
  eventType: string;
  traceabilityLotCode: string;
  productDescription: string;
  quantity: number | null;
  unitOfMeasure: string;
  locationDescription: string;
  locationIdentifier: string;
  date: string;
  time: string;
  shipFrom: string;
  shipTo: string;
  referenceDocument: string;
  tlcSource: string;
  responsibleParty: string;
  eventId: string;
}

/** Columns in sheet order, headed in Chinese and English. */
export const EXPORT_COLUMNS: Array<[keyof TraceabilityRow, string]> = [
  ['eventType', '关键追溯事件 Critical tracking event'],
  ['traceabilityLotCode', '追溯批次码 Traceability lot code'],
  ['productDescription', '产品描述 Product description'],
  ['quantity', '数量 Quantity'],
  ['unitOfMeasure', '计量单位 Unit of measure'],
  ['locationDescription', '地点 Location description'],
  ['locationIdentifier', '地点标识 Location identifier'],
  ['date', '日期 Date'],
  ['time', '时间 Time'],
  ['shipFrom', '发货方 Ship-from'],
  ['shipTo', '收货方 Ship-to'],
  ['referenceDocument', '参考单据 Reference document'],
  ['tlcSource', '批次码来源 TLC source'],
  ['responsibleParty', '责任主体 Responsible party'],
  ['eventId', 'EPCIS 事件标识 EPCIS event ID'],
];

/** EPCIS lineage edge kinds as FSMA 204 critical tracking events (or a plain name for steps FSMA does not list). */
const CTE: Record<string, string> = {
  commissioned: 'Initial packing 初始包装/赋码', produced: 'Transformation 加工（产出）', consumed: 'Transformation 加工（投入）',
  shipped: 'Shipping 发货', received: 'Receiving 收货', transferred: 'Shipping 转移', sold: 'Retail sale 零售', dispensed: 'Dispensing 调剂',
  destroyed: 'Destruction 销毁', decommissioned: 'Decommissioning 注销', observed: 'Observation 查验/记录',
};

/** The recall's traceability records as rows, oldest first. Regulators only (as getRecall). */
export async function recallTraceabilityRows(deps: Deps, actor: Actor, recallId: string): Promise<{ recall: Awaited<ReturnType<typeof getRecall>>; rows: TraceabilityRow[] }> {
  const recall = await getRecall(deps, actor, recallId);
  const repo = deps.holdings;
  const units = recall.impact.units.map((u) => u.code);
  const product = new Map(recall.impact.units.map((u) => [u.code, u.product ?? '']));
  const movements = (await repo.listMovementsOfUnits(units, { withBody: false })).filter((m) => m.kind in CTE).sort((a, b) => a.eventTime - b.eventTime || a.eventRowId.localeCompare(b.eventRowId));
  // Each event's body once: a transformation with a thousand serials would otherwise come back a thousand times.
  const bodies = await repo.eventBodies([...new Set(movements.map((m) => m.eventRowId))]);
  const parsed = new Map<string, Record<string, unknown>>();
  const eventOf = (rowId: string) => {
    let e = parsed.get(rowId);
    if (!e) parsed.set(rowId, (e = JSON.parse(bodies.get(rowId) ?? '{}') as Record<string, unknown>));
    return e;
  };
  const nodes = holderNodes(movements);
  const [owners, siteRows, responsibleRows] = await Promise.all([
    deps.parties.ownersByUris(nodes),
    deps.parties.listSitesByUris(nodes),
    deps.parties.listPartiesByIds([...new Set(movements.map((m) => m.partyId))]),
  ]);
  const sites = new Map(siteRows.map((s) => [s.uri, s]));
  const responsible = new Map(responsibleRows.map((p) => [p.id, p]));
  const tlcSource = new Map<string, string>();
  for (const m of movements) if (PLACE_IS_FROM.has(m.kind) && !tlcSource.has(m.unit)) tlcSource.set(m.unit, describe(m.fromNode));
  function describe(node: string): string {
    const site = sites.get(node);
    if (site) return `${site.name}（${owners.get(node)?.name ?? ''}）`;
    return owners.get(node)?.name ?? (node === '' ? '' : node);
  }
  const rows: TraceabilityRow[] = [];
  const turns = new TurnCounter(ROWS_PER_TURN);
  for (const m of movements) {
    if (turns.due()) await nextTurn();
    const event = eventOf(m.eventRowId);
    const place = (m.kind === 'shipped' || m.kind === 'received' || m.kind === 'transferred') ? '' : PLACE_IS_FROM.has(m.kind) ? m.fromNode : m.toNode;
    const placeId = place || String((event.bizLocation as { id?: string } | undefined)?.id ?? (event.readPoint as { id?: string } | undefined)?.id ?? '');
    const time = String(event.eventTime ?? new Date(m.eventTime).toISOString());
    const tx = ((event.bizTransactionList as Array<{ type?: string; bizTransaction: string }> | undefined) ?? []).map((b) => `${b.type ?? ''} ${b.bizTransaction}`.trim()).join('; ');
    const custody = m.kind === 'shipped' || m.kind === 'received' || m.kind === 'transferred';
    rows.push({
      eventType: CTE[m.kind],
      traceabilityLotCode: m.unit,
      productDescription: product.get(m.unit) ?? '',
      quantity: m.quantity,
      unitOfMeasure: m.uom ?? (m.quantity === null ? 'H87' : ''),
      locationDescription: placeId ? describe(placeId) : '',
      locationIdentifier: placeId,
      date: time.slice(0, 10),
      time: time.slice(11),
      shipFrom: custody && m.fromNode !== m.unit ? describe(m.fromNode) : '',
      shipTo: custody && m.toNode !== m.unit ? describe(m.toNode) : '',
      referenceDocument: tx,
      tlcSource: tlcSource.get(m.unit) ?? '',
      responsibleParty: responsible.get(m.partyId)?.name ?? m.partyId,
      eventId: String(event.eventID ?? ''),
    });
  }
  await recordAudit(deps, actor, 'recall.export', recallId, 'ok', { rows: rows.length });
  return { recall, rows };
}

/**
 * CSV (UTF-8 with a byte-order mark, so spreadsheet programs read the Chinese headers right), as pieces of
 * {@link ROWS_PER_TURN} lines with a turn of the event loop between them: 100,000 rows are ~0.5 s of work.
 */
export async function* rowsToCsv(rows: readonly TraceabilityRow[]): AsyncGenerator<string> {
  const cell = (v: unknown) => {
    const s = v === null || v === undefined ? '' : String(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  yield `\uFEFF${EXPORT_COLUMNS.map(([, h]) => cell(h)).join(',')}\r\n`;
  for (let i = 0; i < rows.length; i += ROWS_PER_TURN) {
    if (i > 0) await nextTurn();
    yield rows.slice(i, i + ROWS_PER_TURN).map((r) => `${EXPORT_COLUMNS.map(([k]) => cell(r[k])).join(',')}\r\n`).join('');
  }
}

/**
 * The sortable spreadsheet: a filterable, frozen-header sheet of rows, and a sheet summarising the recall. Written by
 * exceljs's streaming writer, each row committed as it is added: the in-memory workbook of a 100,000-unit recall
 * took more than the server's heap (it ended the process), the streamed one holds a row at a time.
 */
export async function rowsToXlsx(recall: { id: string; reason: string; severity: string; status: string; createdAt: string; codes: string[] }, rows: readonly TraceabilityRow[]): Promise<Buffer> {
  // exceljs is ~27 MB of a server's memory, wanted only for this export: loaded when asked for.
  const { default: ExcelJS } = await import('exceljs');
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  const book = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  book.creator = 'Suyuan 溯源';
  const sheet = book.addWorksheet('Traceability 追溯记录', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = EXPORT_COLUMNS.map(([key, header]) => ({ header, key, width: Math.max(14, Math.min(60, header.length + 4)) }));
  sheet.getRow(1).font = { bold: true };
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: Math.max(1, rows.length + 1), column: EXPORT_COLUMNS.length } };
  // exceljs writes each row's XML as it is committed, ~50 µs a row: others' requests are answered between stretches.
  const turns = new TurnCounter(ROWS_PER_TURN / 2);
  for (const r of rows) {
    sheet.addRow(r).commit();
    if (turns.due()) await nextTurn();
  }
  sheet.commit();
  const about = book.addWorksheet('Recall 召回');
  about.columns = [{ header: '项目 Item', key: 'k', width: 28 }, { header: '内容 Value', key: 'v', width: 90 }];
  for (const [k, v] of [['Recall 召回编号', recall.id], ['Reason 原因', recall.reason], ['Severity 级别', recall.severity], ['Status 状态', recall.status], ['Opened 发起时间', recall.createdAt], ['Codes 召回代码', recall.codes.join('\n')], ['Rows 记录数', String(rows.length)]]) {
    about.addRow({ k, v }).commit();
  }
  about.commit();
  await book.commit();
  return Buffer.concat(chunks);
}
