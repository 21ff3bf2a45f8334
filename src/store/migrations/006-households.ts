import type { Kysely } from "kysely";
import type { DialectName } from "../dialect.js";

/** Quality profiles, enrichment and households (issue 6). */
export function households(_dialect: DialectName) {
  return {
    async up(_db: Kysely<unknown>): Promise<void> {},
    async down(_db: Kysely<unknown>): Promise<void> {},
  };
}
