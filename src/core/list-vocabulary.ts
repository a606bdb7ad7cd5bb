import { BIZ_STEPS, DISPOSITIONS, EVENT_TYPES } from '../domain/epcis/cbv.ts';
import type { Actor } from './actor.ts';
import { requireScope } from './authenticate.ts';
import type { Deps } from './deps.ts';
import { eventVisibilityFor } from './visibility.ts';

/** The EPCIS top-level resources: the standard terms plus any non-standard ones in use, sorted. */
export async function listVocabulary(deps: Deps, actor: Actor, kind: 'eventTypes' | 'bizSteps' | 'dispositions'): Promise<string[]> {
  requireScope(actor, 'query');
  const standard: readonly string[] = kind === 'eventTypes' ? EVENT_TYPES : kind === 'bizSteps' ? BIZ_STEPS : DISPOSITIONS;
  const column = kind === 'eventTypes' ? 'event_type' : kind === 'bizSteps' ? 'biz_step' : 'disposition';
  // Only terms from events the caller may see: one firm's private vocabulary is not shown to another.
  const used = await deps.events.listDistinct(column, await eventVisibilityFor(deps, actor));
  return [...new Set([...standard, ...used])].sort();
}
