import type { Kysely, Migration } from 'kysely';

/** Recalls run by regulators and the notices their holders read and acknowledge (issue 3 §4). */
export function recallMigration(): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('recall')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('regulator_id', 'text', (c) => c.notNull())
        .addColumn('codes', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('severity', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('closed_at', 'text')
        .execute();
      await db.schema
        .createTable('recall_notice')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('recall_id', 'text', (c) => c.notNull())
        .addColumn('party_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('acknowledged_at', 'text')
        // JSON [{code, value, unit}]: what the holder had when the recall opened, to judge its reports against.
        .addColumn('on_hand_at_open', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('recall_notice_party').on('recall_notice').columns(['party_id', 'created_at']).execute();
      await db.schema.createIndex('recall_notice_recall').on('recall_notice').columns(['recall_id', 'party_id']).unique().execute();
      // The units a recall reached when it was opened, so every view of a unit can say it is under recall.
      await db.schema
        .createTable('recall_unit')
        .addColumn('unit', 'text', (c) => c.notNull())
        .addColumn('recall_id', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('recall_unit_pk', ['unit', 'recall_id'])
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('recall_unit').ifExists().execute();
      await db.schema.dropTable('recall_notice').ifExists().execute();
      await db.schema.dropTable('recall').ifExists().execute();
    },
  };
}
