import { nextTurn, TurnCounter } from '../../domain/turns.ts';

/** Array elements written between turns of the event loop. */
const ELEMENTS_PER_TURN = 2_000;

/**
 * The JSON text of plain data (what JSON.stringify gives, byte for byte), in pieces, with a turn of the event loop
 * every {@link ELEMENTS_PER_TURN} array elements. For replies of tens of megabytes — a recall of 100,000 units is
 * 35 MB — which one JSON.stringify or Fastify's serializer would write in one stretch of the server's only thread,
 * while every other caller waits. Send it as `Readable.from(jsonPieces(value))`.
 */
export async function* jsonPieces(value: unknown): AsyncGenerator<string> {
  yield* pieces(value, new TurnCounter(ELEMENTS_PER_TURN));
}

async function* pieces(value: unknown, turns: TurnCounter): AsyncGenerator<string> {
  if (flat(value)) {
    yield JSON.stringify(value) ?? 'null';
    return;
  }
  if (Array.isArray(value)) {
    // Flat elements (a unit, a quantity) are written a batch at a time; others are taken apart in turn.
    let batch = '[';
    for (let i = 0; i < value.length; i++) {
      const element = value[i] as unknown;
      if (i > 0) batch += ',';
      if (flat(element)) batch += JSON.stringify(element) ?? 'null';
      else {
        yield batch;
        batch = '';
        yield* pieces(element, turns);
      }
      if (turns.due()) {
        yield batch;
        batch = '';
        await nextTurn();
      }
    }
    yield `${batch}]`;
    return;
  }
  let first = true;
  yield '{';
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    yield `${first ? '' : ','}${JSON.stringify(key)}:`;
    first = false;
    yield* pieces(v, turns);
  }
  yield '}';
}

/** A value written whole: not an object, one that writes itself (toJSON), or one whose own values are all such. */
function flat(value: unknown): boolean {
  if (!isContainer(value)) return true;
  for (const v of Array.isArray(value) ? value : Object.values(value)) if (isContainer(v)) return false;
  return true;
}

const isContainer = (v: unknown): v is object => v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON !== 'function';
