import type { Kysely } from "kysely";
import type { DialectName } from "../dialect.js";

/**
 * Background work across several server processes on one PostgreSQL store:
 * - `lease`: who runs a job that must run in one process at a time (the audience loop), until when (epoch
 *   milliseconds by the database's clock), and a token raised at every change of holder, so a holder that lost
 *   the lease cannot commit work after another took over;
 * - `webhook_delivery.claimed_by`: which dispatcher claimed a delivery (until its `next_attempt_at`), so that
 *   dispatchers in several processes never send one delivery twice at once.
 */
export function leases(_dialect: DialectName) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable("lease")
        .addColumn("name", "text", (c) => c.primaryKey())
        .addColumn("holder", "text", (c) => c.notNull())
        .addColumn("token", "bigint", (c) => c.notNull())
        .addColumn("expires_at", "bigint", (c) => c.notNull())
        .addColumn("acquired_at", "bigint", (c) => c.notNull())
        .execute();
      await db.schema.alterTable("webhook_delivery").addColumn("claimed_by", "text").execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable("webhook_delivery").dropColumn("claimed_by").execute();
      await db.schema.dropTable("lease").execute();
    },
  };
}
