import { DomainError } from '../domain/errors.ts';
import type { CaptureJobRow } from '../storage/repositories/event.repository.ts';
import type { Actor } from './actor.ts';
import { requireScope } from './authenticate.ts';
import type { Deps } from './deps.ts';
import { recordAudit } from './record-audit.ts';

/** A capture job as the EPCIS binding describes it. */
export interface CaptureJobView {
  captureID: string;
  createdAt: string;
  finishedAt: string | null;
  running: boolean;
  success: boolean;
  captureErrorBehaviour: string;
  eventCount: number;
  storedCount: number;
  duplicateCount: number;
  errors: unknown[];
}

/** A capture job of the caller's own (admins see all). @throws not_found `capture_not_found` */
export async function getCaptureJob(deps: Deps, actor: Actor, captureId: string): Promise<CaptureJobView> {
  requireScope(actor, 'capture');
  const job = await deps.events.findCaptureJob(captureId);
  if (!job || (actor.kind === 'party' && job.party_id !== actor.partyId)) {
    throw new DomainError('not_found', 'capture_not_found', `No capture job ${captureId} of yours.`, { field: 'captureID' });
  }
  await recordAudit(deps, actor, 'epcis.capture_job.read', captureId);
  return presentJob(job);
}

/** The caller's capture jobs, newest first, paged. */
export async function listCaptureJobs(deps: Deps, actor: Actor, perPage: number, token?: string): Promise<{ jobs: CaptureJobView[]; nextPageToken?: string }> {
  requireScope(actor, 'capture');
  const before = token ? Buffer.from(token, 'base64url').toString('utf8') : undefined;
  const rows = await deps.events.listCaptureJobs(actor.kind === 'party' ? actor.partyId : undefined, perPage + 1, before);
  await recordAudit(deps, actor, 'epcis.capture_job.list', null);
  const page = rows.slice(0, perPage);
  return {
    jobs: page.map(presentJob),
    nextPageToken: rows.length > perPage ? Buffer.from(page[page.length - 1].id).toString('base64url') : undefined,
  };
}

function presentJob(job: CaptureJobRow): CaptureJobView {
  return {
    captureID: job.id,
    createdAt: job.created_at,
    finishedAt: job.finished_at,
    running: job.running === 1,
    success: job.success === 1,
    captureErrorBehaviour: job.error_behaviour,
    eventCount: job.event_count,
    storedCount: job.stored_count,
    duplicateCount: job.duplicate_count,
    errors: job.errors ? JSON.parse(job.errors) : [],
  };
}
