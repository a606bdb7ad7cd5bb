/**
 * The recall benchmark's fan-out chain, added on top of the scaled demo: one raw-material lot → `batches`
 * transformations of 1,000 serials each → packed 100 to a case (100 batches: 101,001 units).
 */
import { authenticate } from '../../src/core/authenticate.ts';
import { captureEvents } from '../../src/core/capture-events.ts';
import { withCheckDigit, uscc } from '../../src/core/demo/huizhou-chains.ts';
import type { Deps } from '../../src/core/deps.ts';
import { issueApiKey } from '../../src/core/issue-api-key.ts';
import { registerParty } from '../../src/core/register-party.ts';
import type { AdminActor } from '../../src/core/actor.ts';
import { progress } from './report.ts';

const ADMIN: AdminActor = { kind: 'admin', keyId: 'bench' };
const FAN_OUT_PER_BATCH = 1_000;
const CASE_SIZE = 100;

/** One raw lot → batches of serialised outputs → packed into cases: the recall's fan-out. */
export async function buildFanOut(deps: Deps, batches: number): Promise<{ rawLot: string }> {
  const party = await registerParty(deps, ADMIN, { uscc: uscc('91441303MA5BENCH1'.replace(/[IOZSV]/g, 'X')), name: '惠州市基准乳业有限公司', kind: 'producer', region: '441303' });
  const key = await issueApiKey(deps, ADMIN, party.id, { scopes: ['capture', 'query'] });
  const actor = await authenticate(deps, key.key);
  const gtin = `0${withCheckDigit('697099910001')}`;
  const rawLot = `https://id.gs1.org/01/${gtin}/10/RAW0001`;
  const t = (i: number) => ({ eventTime: new Date(Date.UTC(2026, 5, 1) + i * 60_000).toISOString(), eventTimeZoneOffset: '+08:00' });
  const bar = progress('fan-out chain', batches);
  const capture = (events: Record<string, unknown>[]) =>
    captureEvents(deps, actor, { envelope: () => ({ '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'], type: 'EPCISDocument', schemaVersion: '2.0', creationDate: '2026-06-01T00:00:00Z', epcisBody: {} }), context: () => [], events });
  await capture([{ type: 'ObjectEvent', ...t(0), action: 'ADD', bizStep: 'commissioning', quantityList: [{ epcClass: rawLot, quantity: 100_000, uom: 'KGM' }] }]);
  for (let b = 0; b < batches; b++) {
    const serials = Array.from({ length: FAN_OUT_PER_BATCH }, (_, i) => `https://id.gs1.org/01/${gtin}/21/S${b}x${i}`);
    const cases = Array.from({ length: FAN_OUT_PER_BATCH / CASE_SIZE }, (_, c) => ({
      type: 'AggregationEvent', ...t(b * 20 + c + 2), action: 'ADD', bizStep: 'packing',
      parentID: `https://id.gs1.org/00/${withCheckDigit(`06970999${String(b * 10 + c).padStart(9, '0')}`)}`,
      childEPCs: serials.slice(c * CASE_SIZE, (c + 1) * CASE_SIZE),
    }));
    await capture([
      { type: 'TransformationEvent', ...t(b * 20 + 1), bizStep: 'commissioning', inputQuantityList: [{ epcClass: rawLot, quantity: 1_000, uom: 'KGM' }], outputEPCList: serials },
      ...cases,
    ]);
    bar.update(b + 1);
  }
  bar.end();
  return { rawLot };
}
