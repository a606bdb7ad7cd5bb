import { sql, type Kysely, type Migration } from 'kysely';
import type { StoreDialect } from '../open-database.ts';

/** The first schema: parties, keys, products, capture jobs, events with their identifier index, audit log. */
export function initialMigration(dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('party')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('uscc', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('region', 'text', (c) => c.notNull())
        .addColumn('uri', 'text', (c) => c.notNull().unique())
        .addColumn('gln', 'text', (c) => c.unique())
        .addColumn('department', 'text')
        .addColumn('regions', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('licence')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('party_id', 'text', (c) => c.notNull().references('party.id'))
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('number', 'text', (c) => c.notNull())
        .addColumn('scope', 'text')
        .addColumn('valid_from', 'text')
        .addColumn('valid_to', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('licence_party').on('licence').column('party_id').execute();

      await db.schema
        .createTable('site')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('party_id', 'text', (c) => c.notNull().references('party.id'))
        .addColumn('uri', 'text', (c) => c.notNull().unique())
        .addColumn('gln', 'text', (c) => c.unique())
        .addColumn('local_id', 'text')
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('address', 'text', (c) => c.notNull())
        .addColumn('region', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('site_party').on('site').column('party_id').execute();

      await db.schema
        .createTable('api_key')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('party_id', 'text', (c) => c.references('party.id'))
        .addColumn('key_hash', 'text', (c) => c.notNull().unique())
        .addColumn('prefix', 'text', (c) => c.notNull())
        .addColumn('scopes', 'text', (c) => c.notNull())
        .addColumn('label', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('revoked_at', 'text')
        .execute();

      await db.schema
        .createTable('product')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('party_id', 'text', (c) => c.notNull().references('party.id'))
        .addColumn('gtin', 'text')
        .addColumn('local_code', 'text')
        .addColumn('class_uri', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('category', 'text', (c) => c.notNull())
        .addColumn('spec', 'text')
        .addColumn('shelf_life_days', 'integer')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('product_party').on('product').column('party_id').execute();

      await db.schema
        .createTable('capture_job')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('party_id', 'text', (c) => c.notNull())
        .addColumn('running', 'integer', (c) => c.notNull())
        .addColumn('success', 'integer', (c) => c.notNull())
        .addColumn('error_behaviour', 'text', (c) => c.notNull())
        .addColumn('event_count', 'integer', (c) => c.notNull())
        .addColumn('stored_count', 'integer', (c) => c.notNull())
        .addColumn('duplicate_count', 'integer', (c) => c.notNull())
        .addColumn('errors', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('finished_at', 'text')
        .execute();
      await db.schema.createIndex('capture_job_party').on('capture_job').columns(['party_id', 'created_at']).execute();

      await db.schema
        .createTable('event')
        .addColumn('id', 'text', (c) => c.primaryKey())
        // The CBV 2.0 hash as its 32 raw bytes: a third the size of the ni:/// string in the unique index.
        .addColumn('event_hash', dialect === 'postgres' ? 'bytea' : 'blob', (c) => c.notNull().unique())
        // Only when the client sent an eventID; events without one are served under their hash ID.
        .addColumn('event_id', 'text')
        .addColumn('event_type', 'text', (c) => c.notNull())
        .addColumn('action', 'text')
        .addColumn('biz_step', 'text')
        .addColumn('disposition', 'text')
        .addColumn('read_point', 'text')
        .addColumn('biz_location', 'text')
        .addColumn('event_time', 'bigint', (c) => c.notNull())
        .addColumn('event_time_zone_offset', 'text', (c) => c.notNull())
        .addColumn('record_time', 'bigint', (c) => c.notNull())
        .addColumn('captured_by', 'text', (c) => c.notNull())
        .addColumn('capture_id', 'text', (c) => c.notNull())
        .addColumn('category', 'text')
        .addColumn('region', 'text')
        .addColumn('error_declared_at', 'bigint')
        .addColumn('body', 'text', (c) => c.notNull())
        .execute();
      // A client's eventID is unique too: a second event carrying it is a re-send, like one with the same hash.
      await db.schema.createIndex('event_event_id').unique().on('event').column('event_id').where(sql.ref('event_id'), 'is not', null).execute();
      await db.schema.createIndex('event_time').on('event').columns(['event_time', 'id']).execute();
      await db.schema.createIndex('event_captured_by').on('event').columns(['captured_by', 'id']).execute();
      await db.schema.createIndex('event_category_region').on('event').columns(['category', 'region', 'id']).execute();

      // The identifier index, clustered on what it is searched by: (value, role, type) then the event. On SQLite a
      // WITHOUT ROWID table is that one B-tree, so each reference costs one index write, not two.
      await db.schema
        .createTable('event_ref')
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('event_id', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('event_ref_pk', ['value', 'role', 'type', 'event_id'])
        .$call((b) => (dialect === 'sqlite' ? b.modifyEnd(sql`without rowid`) : b))
        .execute();
      if (dialect === 'postgres') {
        // Prefix matches (class-level EPC patterns) need pattern ops unless the database collation is C.
        await sql`CREATE INDEX event_ref_value_prefix ON event_ref (value text_pattern_ops, role)`.execute(db);
      }

      await db.schema
        .createTable('audit_log')
        .addColumn('id', dialect === 'postgres' ? sql`bigserial` : 'integer', (c) =>
          dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
        )
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('actor_id', 'text')
        .addColumn('actor_kind', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('target', 'text')
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('ip', 'text')
        .addColumn('details', 'text')
        .execute();
      await db.schema.createIndex('audit_log_actor').on('audit_log').columns(['actor_id', 'id']).execute();
      await db.schema.createIndex('audit_log_at').on('audit_log').columns(['at']).execute();

      await db.schema
        .createTable('setting')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<any>) {
      for (const t of ['setting', 'audit_log', 'event_ref', 'event', 'capture_job', 'product', 'api_key', 'site', 'licence', 'party']) {
        await db.schema.dropTable(t).ifExists().execute();
      }
    },
  };
}
