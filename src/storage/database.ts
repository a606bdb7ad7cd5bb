import type { Generated } from 'kysely';

/** Table types for Kysely. Times are ISO-8601 UTC text; event times are epoch milliseconds for range queries. */
export interface Database {
  party: PartyTable;
  licence: LicenceTable;
  site: SiteTable;
  api_key: ApiKeyTable;
  product: ProductTable;
  capture_job: CaptureJobTable;
  event: EventTable;
  event_ref: EventRefTable;
  event_viewer: EventViewerTable;
  audit_log: AuditLogTable;
  setting: SettingTable;
  lineage_edge: LineageEdgeTable;
  ledger_leaf: LedgerLeafTable;
  ledger_node: LedgerNodeTable;
  ledger_state: LedgerStateTable;
  recall: RecallTable;
  recall_notice: RecallNoticeTable;
  recall_unit: RecallUnitTable;
  certificate: CertificateTable;
  scan: ScanTable;
  scan_tally: ScanTallyTable;
  complaint: ComplaintTable;
  consumer_notice: ConsumerNoticeTable;
  notice_code: NoticeCodeTable;
  blacklist_entry: BlacklistEntryTable;
  quantity_anomaly: QuantityAnomalyTable;
}

/** A holder that gave out more of a unit than it held (issue 3 §3), found by the anomaly scan. */
export interface QuantityAnomalyTable {
  unit: string;
  event_row_id: string;
  /** Party id of the holder. */
  holder: string;
  uom: string;
  kind: string;
  movement: string;
  quantity: number;
  on_hand_before: number;
  event_time: number;
  category: string | null;
  region: string | null;
  detected_at: string;
}

/** A certificate a firm or one of its products holds (绿色食品, 有机产品, GMP …), attached by a certifier or the admin. */
export interface CertificateTable {
  id: string;
  party_id: string;
  product_id: string | null;
  type: string;
  number: string;
  issuer_party_id: string | null;
  issuer_name: string;
  valid_from: string | null;
  valid_to: string | null;
  url: string | null;
  created_at: string;
}

/** One public scan of a code: no personal data. */
export interface ScanTable {
  id: Generated<number>;
  unit: string;
  at: string;
  region: string | null;
  client_class: string;
}

/** Running scan count per code. */
export interface ScanTallyTable {
  unit: string;
  scans: number;
  first_at: string;
  last_at: string;
  /** JSON array of distinct GB/T 2260 districts seen. */
  regions: string;
}

/** A complaint 投诉 filed by the public. */
export interface ComplaintTable {
  id: string;
  tracking_no: string;
  unit: string | null;
  category: string | null;
  region: string | null;
  subject_party_id: string | null;
  content: string;
  /** Optional contact; shown to regulators only. */
  contact: string | null;
  status: string;
  answer: string | null;
  answered_by: string | null;
  answered_at: string | null;
  created_at: string;
}

/** A consumer notice 消费提示 published by a regulator. */
export interface ConsumerNoticeTable {
  id: string;
  regulator_id: string;
  level: string;
  title: string;
  body: string;
  category: string | null;
  party_id: string | null;
  /** JSON array of the codes it concerns (also in notice_code). */
  codes: string;
  published_at: string;
  withdrawn_at: string | null;
}

/** A code a notice concerns. */
export interface NoticeCodeTable {
  code: string;
  notice_id: string;
}

/** A firm on the dishonesty blacklist 黑名单. */
export interface BlacklistEntryTable {
  id: string;
  party_id: string;
  regulator_id: string;
  reason: string;
  listed_at: string;
  expires_at: string | null;
  removed_at: string | null;
}

/** A unit a recall reached. */
export interface RecallUnitTable {
  unit: string;
  recall_id: string;
}

/** A recall opened by a regulator. */
export interface RecallTable {
  id: string;
  regulator_id: string;
  /** JSON array of the recalled codes, canonical. */
  codes: string;
  reason: string;
  severity: string;
  status: string;
  created_at: string;
  closed_at: string | null;
}

/** A recall notice in a holder's inbox. */
export interface RecallNoticeTable {
  id: string;
  recall_id: string;
  party_id: string;
  status: string;
  created_at: string;
  acknowledged_at: string | null;
  /** JSON [{code, value, unit}] held when the recall opened. */
  on_hand_at_open: string;
}

/** An edge of the lineage graph, written when its event is captured (see src/domain/trace/lineage-edge.ts). */
export interface LineageEdgeTable {
  from_node: string;
  kind: string;
  to_node: string;
  /** The unit the edge concerns when from/to are parties or sites, else ''. */
  unit: string;
  /** The event row (event.id). */
  event_id: string;
  event_time: number;
  /** The party that captured the event: responsible for the link. */
  party_id: string;
  quantity: number | null;
  uom: string | null;
}

/** Leaf `idx` of the integrity ledger: an event and its hash ID. */
export interface LedgerLeafTable {
  idx: number;
  event_id: string;
  hash_id: string;
}

/** A completed perfect subtree (level ≥ 1) of the ledger. */
export interface LedgerNodeTable {
  level: number;
  idx: number;
  hash: Buffer;
}

/** The ledger's size and frontier (one row). */
export interface LedgerStateTable {
  id: number;
  tree_size: number;
  frontier: string;
}

export interface PartyTable {
  id: string;
  uscc: string;
  name: string;
  kind: string;
  region: string;
  /** Canonical party URI: GS1 Digital Link /417/ when it has a GLN, else urn:suyuan:party:<USCC>. */
  uri: string;
  gln: string | null;
  department: string | null;
  /** JSON array of GB/T 2260 codes a regulator covers. */
  regions: string | null;
  created_at: string;
}

export interface LicenceTable {
  id: string;
  party_id: string;
  type: string;
  number: string;
  scope: string | null;
  valid_from: string | null;
  valid_to: string | null;
  created_at: string;
}

export interface SiteTable {
  id: string;
  party_id: string;
  /** Canonical site URI: Digital Link /414/ when it has a GLN, else urn:suyuan:site:<USCC>:<localId>. */
  uri: string;
  gln: string | null;
  local_id: string | null;
  name: string;
  address: string;
  region: string;
  created_at: string;
}

export interface ApiKeyTable {
  id: string;
  /** Null for an administrator key. */
  party_id: string | null;
  /** SHA-256 of the whole secret, hex: keys are high-entropy random, so a fast hash is safe and keeps auth O(1). */
  key_hash: string;
  /** First characters of the key, shown in listings so a person can tell keys apart. */
  prefix: string;
  scopes: string;
  label: string | null;
  created_at: string;
  revoked_at: string | null;
}

export interface ProductTable {
  id: string;
  party_id: string;
  gtin: string | null;
  local_code: string | null;
  /** Class-level canonical URI the events' EPCs and classes are matched against. */
  class_uri: string;
  name: string;
  category: string;
  spec: string | null;
  shelf_life_days: number | null;
  image_url: string | null;
  created_at: string;
}

export interface CaptureJobTable {
  id: string;
  party_id: string;
  running: number;
  success: number;
  error_behaviour: string;
  event_count: number;
  stored_count: number;
  duplicate_count: number;
  /** JSON array of problem objects when the capture failed. */
  errors: string | null;
  created_at: string;
  finished_at: string | null;
}

export interface EventTable {
  /** Sortable internal id (evt_…), also the distribution key for a sharded store. */
  id: string;
  /** The CBV 2.0 event hash (the 32 bytes of `ni:///sha-256;…`); unique, recognises re-sent events. */
  event_hash: Buffer;
  /** The eventID the client sent, else null (the event is then served under its hash ID); unique, so a repeated eventID is a re-send. */
  event_id: string | null;
  event_type: string;
  action: string | null;
  biz_step: string | null;
  disposition: string | null;
  read_point: string | null;
  biz_location: string | null;
  event_time: number;
  event_time_zone_offset: string;
  record_time: number;
  /** Party that captured the event (责任可究). */
  captured_by: string;
  capture_id: string;
  /** Product line (A1) decided from the event's products; decides which regulators see it. */
  category: string | null;
  /** GB/T 2260 county code where the event happened, from its site or else its capturing party. */
  region: string | null;
  /** When the capturing party declared this event erroneous (EPCIS errorDeclaration), epoch ms. */
  error_declared_at: number | null;
  /** The event as stored, JSON. */
  body: string;
}

/** A party or identifier that makes an event visible to a firm, by event time (migration 0008). */
export interface EventViewerTable {
  viewer: string;
  event_time: number;
  event_id: string;
}

/** One row per identifier an event names, for queries and visibility (role: epc, parent, child, input, output, epc_class, …). */
export interface EventRefTable {
  event_id: string;
  role: string;
  /** Source/destination/bizTransaction type where the role has one, '' otherwise. */
  type: string;
  value: string;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: string;
  actor_id: string | null;
  actor_kind: string;
  action: string;
  target: string | null;
  outcome: string;
  ip: string | null;
  details: string | null;
}

export interface SettingTable {
  key: string;
  value: string;
}
