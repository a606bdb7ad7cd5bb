import { sql, type Kysely, type Migration } from 'kysely';
import type { StoreDialect } from '../open-database.ts';

/**
 * Issue 4: what the public window needs — certificates, product images, the scan log and its per-code tally,
 * complaints, consumer notices and the dishonesty blacklist.
 */
export function publicParticipationMigration(dialect: StoreDialect): Migration {
  const serialId = dialect === 'postgres' ? sql`bigserial` : sql`integer`;
  return {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('product').addColumn('image_url', 'text').execute();

      await db.schema
        .createTable('certificate')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('party_id', 'text', (c) => c.notNull().references('party.id'))
        // Null: the certificate covers the firm (e.g. a management-system certificate), not one product.
        .addColumn('product_id', 'text', (c) => c.references('product.id'))
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('number', 'text', (c) => c.notNull())
        .addColumn('issuer_party_id', 'text')
        .addColumn('issuer_name', 'text', (c) => c.notNull())
        .addColumn('valid_from', 'text')
        .addColumn('valid_to', 'text')
        .addColumn('url', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('certificate_party').on('certificate').columns(['party_id', 'product_id']).execute();

      // One row per scan, no personal data: time, district (only when the phone shares it), client class.
      await db.schema
        .createTable('scan')
        .addColumn('id', serialId, (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
        .addColumn('unit', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('region', 'text')
        .addColumn('client_class', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('scan_unit').on('scan').columns(['unit', 'id']).execute();
      // The running count per code, so a scan page reads one row rather than counting the log.
      await db.schema
        .createTable('scan_tally')
        .addColumn('unit', 'text', (c) => c.primaryKey())
        .addColumn('scans', 'bigint', (c) => c.notNull())
        .addColumn('first_at', 'text', (c) => c.notNull())
        .addColumn('last_at', 'text', (c) => c.notNull())
        // JSON array of the distinct districts seen (capped), for the far-apart warning.
        .addColumn('regions', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('complaint')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('tracking_no', 'text', (c) => c.notNull().unique())
        .addColumn('unit', 'text')
        .addColumn('category', 'text')
        .addColumn('region', 'text')
        .addColumn('subject_party_id', 'text')
        .addColumn('content', 'text', (c) => c.notNull())
        .addColumn('contact', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('answer', 'text')
        .addColumn('answered_by', 'text')
        .addColumn('answered_at', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('complaint_category').on('complaint').columns(['category', 'created_at']).execute();

      await db.schema
        .createTable('consumer_notice')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('regulator_id', 'text', (c) => c.notNull())
        .addColumn('level', 'text', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('category', 'text')
        .addColumn('party_id', 'text')
        .addColumn('codes', 'text', (c) => c.notNull())
        .addColumn('published_at', 'text', (c) => c.notNull())
        .addColumn('withdrawn_at', 'text')
        .execute();
      await db.schema.createIndex('consumer_notice_published').on('consumer_notice').columns(['published_at']).execute();
      await db.schema.createIndex('consumer_notice_party').on('consumer_notice').columns(['party_id']).execute();
      // The codes a notice concerns (units, lots, product classes), searchable from a scanned code.
      await db.schema
        .createTable('notice_code')
        .addColumn('code', 'text', (c) => c.notNull())
        .addColumn('notice_id', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('notice_code_pk', ['code', 'notice_id'])
        .execute();

      await db.schema
        .createTable('blacklist_entry')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('party_id', 'text', (c) => c.notNull().references('party.id'))
        .addColumn('regulator_id', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('listed_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text')
        .addColumn('removed_at', 'text')
        .execute();
      await db.schema.createIndex('blacklist_entry_party').on('blacklist_entry').columns(['party_id']).execute();
    },
    async down(db: Kysely<any>) {
      for (const t of ['blacklist_entry', 'notice_code', 'consumer_notice', 'complaint', 'scan_tally', 'scan', 'certificate']) {
        await db.schema.dropTable(t).ifExists().execute();
      }
      await db.schema.alterTable('product').dropColumn('image_url').execute();
    },
  };
}
