// Child process of recall-export-memory.test.ts, run with the launcher's heap flags: writes the xlsx and CSV exports of
// a recall of `n` rows and prints their sizes as JSON.
import { rowsToCsv, rowsToXlsx, type TraceabilityRow } from '../../src/core/recall/export-recall.ts';

const n = Number(process.argv[2]);
const rows: TraceabilityRow[] = Array.from({ length: n }, (_, i) => ({
  eventType: '发运 Shipping', traceabilityLotCode: `https://id.gs1.org/01/06970999100019/21/S${i}`, productDescription: '测试产品 Test product',
  quantity: 1, unitOfMeasure: 'H87', locationDescription: '惠州仓库（惠州某公司）', locationIdentifier: 'https://id.gs1.org/414/6970999100010',
  date: '2026-11-01', time: '08:00:00.000+08:00', shipFrom: '惠州某公司', shipTo: '惠州另一公司', referenceDocument: 'urn:epcglobal:cbv:btt:po urn:suyuan:po:1',
  tlcSource: '惠州某工厂', responsibleParty: '惠州某公司', eventId: `ni:///sha-256;${i.toString(16).padStart(64, '0')}?ver=CBV2.0`,
}));
const xlsx = await rowsToXlsx({ id: 'rcl_test', reason: 'test', severity: 'level-1', status: 'open', createdAt: '2026-11-01T00:00:00.000Z', codes: ['https://id.gs1.org/01/06970999100019/10/RAW0001'] }, rows);
let csv = '';
for await (const piece of rowsToCsv(rows)) csv += piece;
process.stdout.write(JSON.stringify({ xlsxBytes: xlsx.length, xlsxZip: xlsx.subarray(0, 2).toString('latin1'), csvLines: csv.split('\r\n').length - 2 }));
