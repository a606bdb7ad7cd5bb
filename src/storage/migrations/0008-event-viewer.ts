import { sql, type Kysely, type Migration } from 'kysely';
import type { StoreDialect } from '../open-database.ts';

/**
 * Who may see each event as a firm (issue 2 §5), in event-time order: one row for each party or identifier that makes
 * an event visible to a firm — the capturing party's id, the read point, the business location, and every source or
 * destination value. A firm's events newest first are then a merge of a few index ranges (its party id, its party URI,
 * its sites), read a page at a time: without it, the first page gathered every event the firm may see (O(its
 * history)), 180–230 ms at 1M events and ten times that at 10M.
 *
 * Rows that existed before this migration are filled in from the events and the identifier index.
 */
export function eventViewerMigration(dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('event_viewer')
        .addColumn('viewer', 'text', (c) => c.notNull())
        .addColumn('event_time', 'bigint', (c) => c.notNull())
        .addColumn('event_id', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('event_viewer_pk', ['viewer', 'event_time', 'event_id'])
        .$call((b) => (dialect === 'sqlite' ? b.modifyEnd(sql`without rowid`) : b))
        .execute();
      const ignore = dialect === 'sqlite' ? sql`OR IGNORE` : sql``;
      const onConflict = dialect === 'sqlite' ? sql`` : sql`ON CONFLICT DO NOTHING`;
      await sql`INSERT ${ignore} INTO event_viewer (viewer, event_time, event_id)
        SELECT captured_by, event_time, id FROM event
        UNION SELECT read_point, event_time, id FROM event WHERE read_point IS NOT NULL
        UNION SELECT biz_location, event_time, id FROM event WHERE biz_location IS NOT NULL
        UNION SELECT r.value, e.event_time, e.id FROM event_ref r JOIN event e ON e.id = r.event_id WHERE r.role IN ('source', 'destination')
        ${onConflict}`.execute(db);
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('event_viewer').ifExists().execute();
    },
  };
}
