import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Issue 3 §3: the standing list of quantity anomalies — a holder that gave out more of a unit than it held — kept as
 * they are found, so a regulator reads them without replaying every lot.
 */
export function quantityAnomalyMigration(): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('quantity_anomaly')
        .addColumn('unit', 'text', (c) => c.notNull())
        .addColumn('event_row_id', 'text', (c) => c.notNull())
        .addColumn('holder', 'text', (c) => c.notNull())
        .addColumn('uom', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('movement', 'text', (c) => c.notNull())
        .addColumn('quantity', sql.raw('double precision'), (c) => c.notNull())
        .addColumn('on_hand_before', sql.raw('double precision'), (c) => c.notNull())
        .addColumn('event_time', 'bigint', (c) => c.notNull())
        .addColumn('category', 'text')
        .addColumn('region', 'text')
        .addColumn('detected_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('quantity_anomaly_pk', ['unit', 'event_row_id', 'holder', 'uom'])
        .execute();
      await db.schema.createIndex('quantity_anomaly_scope').on('quantity_anomaly').columns(['category', 'region', 'event_time']).execute();
      await db.schema.createIndex('quantity_anomaly_time').on('quantity_anomaly').columns(['event_time']).execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('quantity_anomaly').ifExists().execute();
    },
  };
}
