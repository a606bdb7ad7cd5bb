import type { Config } from '../config/load-config.ts';
import type { Store } from '../storage/open-database.ts';
import { ApiKeyRepository } from '../storage/repositories/api-key.repository.ts';
import { AuditRepository } from '../storage/repositories/audit.repository.ts';
import { EventRepository } from '../storage/repositories/event.repository.ts';
import { PartyRepository } from '../storage/repositories/party.repository.ts';
import { ProductRepository } from '../storage/repositories/product.repository.ts';
import { SettingRepository } from '../storage/repositories/setting.repository.ts';
import { LedgerRepository } from '../storage/repositories/ledger.repository.ts';
import { LineageRepository } from '../storage/repositories/lineage.repository.ts';
import { HoldingRepository } from '../storage/repositories/holding.repository.ts';
import { RecallRepository } from '../storage/repositories/recall.repository.ts';
import { AnomalyRepository } from '../storage/repositories/anomaly.repository.ts';
import { CertificateRepository } from '../storage/repositories/certificate.repository.ts';
import { ComplaintRepository } from '../storage/repositories/complaint.repository.ts';
import { NoticeRepository } from '../storage/repositories/notice.repository.ts';
import { ScanRepository } from '../storage/repositories/scan.repository.ts';
import { createPreparer, type Preparer } from './capture/prepare-pool.ts';

/** What every use case receives: configuration, the store's repositories and a clock. */
export interface Deps {
  readonly config: Config;
  readonly store: Store;
  readonly parties: PartyRepository;
  readonly keys: ApiKeyRepository;
  readonly products: ProductRepository;
  readonly events: EventRepository;
  readonly audit: AuditRepository;
  readonly settings: SettingRepository;
  readonly ledger: LedgerRepository;
  readonly lineage: LineageRepository;
  readonly holdings: HoldingRepository;
  readonly recalls: RecallRepository;
  readonly certificates: CertificateRepository;
  readonly scans: ScanRepository;
  readonly complaints: ComplaintRepository;
  readonly notices: NoticeRepository;
  readonly anomalies: AnomalyRepository;
  /** Checks and hashes capture events, in worker threads when config.captureWorkers > 0. */
  readonly preparer: Preparer;
  now(): Date;
  /** Stops the workers and closes the store. */
  close(): Promise<void>;
}

/** Wires the repositories over an open store. */
export function createDeps(config: Config, store: Store, now: () => Date = () => new Date()): Deps {
  const preparer = createPreparer(config.captureWorkers);
  const scans = new ScanRepository(store, config.scanGatherMs);
  const audit = new AuditRepository(store);
  return {
    config,
    store,
    parties: new PartyRepository(store),
    keys: new ApiKeyRepository(store),
    products: new ProductRepository(store),
    events: new EventRepository(store),
    audit,
    settings: new SettingRepository(store),
    ledger: new LedgerRepository(store),
    lineage: new LineageRepository(store),
    holdings: new HoldingRepository(store),
    recalls: new RecallRepository(store),
    certificates: new CertificateRepository(store),
    scans,
    complaints: new ComplaintRepository(store),
    notices: new NoticeRepository(store),
    anomalies: new AnomalyRepository(store),
    preparer,
    now,
    async close() {
      await preparer.close();
      await scans.flush();
      await audit.flush();
      await store.close();
    },
  };
}
