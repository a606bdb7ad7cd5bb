import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EXPORT_COLUMNS, ROWS_PER_TURN, rowsToCsv, type TraceabilityRow } from './export-recall.ts';

const row = (i: number): TraceabilityRow => ({
  eventType: 'Shipping 发货', traceabilityLotCode: `https://id.gs1.org/01/06970999100019/21/S${i}`, productDescription: '鲜奶, "全脂"',
  quantity: i % 2 ? i : null, unitOfMeasure: 'H87', locationDescription: '惠州仓库\n二号库', locationIdentifier: '', date: '2026-11-01',
  time: '08:00:00.000+08:00', shipFrom: 'A', shipTo: 'B', referenceDocument: '', tlcSource: '', responsibleParty: '惠州某公司', eventId: `e${i}`,
});

test('the CSV export quotes what needs quoting and gives other work turns of the event loop between its pieces', async () => {
  const rows = Array.from({ length: ROWS_PER_TURN * 3 + 1 }, (_, i) => row(i));
  let turned = false;
  setImmediate(() => (turned = true));
  const pieces: string[] = [];
  for await (const piece of rowsToCsv(rows)) pieces.push(piece);
  assert.ok(turned, 'a callback queued before the export ran while it was written');
  assert.equal(pieces.length, 1 + 4, 'the header, then a piece per 1,000 rows');
  const csv = pieces.join('');
  assert.ok(csv.startsWith(`\uFEFF${EXPORT_COLUMNS.map(([, h]) => h).join(',')}\r\n`));
  const lines = csv.slice(1).split('\r\n');
  assert.equal(lines.length, rows.length + 2, 'header, rows, and the empty string after the last line break');
  assert.equal(lines[2], 'Shipping 发货,https://id.gs1.org/01/06970999100019/21/S1,"鲜奶, ""全脂""",1,H87,"惠州仓库\n二号库",,2026-11-01,08:00:00.000+08:00,A,B,,,惠州某公司,e1');
  assert.equal(lines.at(-1), '');
});
