import type { Kysely } from "kysely";
import type { DialectName } from "../dialect.js";

/** The real-time path: events, identities, ingest dedup, webhooks (issue 5). */
export function realtime(_dialect: DialectName) {
  return {
    async up(_db: Kysely<unknown>): Promise<void> {},
    async down(_db: Kysely<unknown>): Promise<void> {},
  };
}
