import type { Kysely } from "kysely";
import type { DialectName } from "../dialect.js";

/** Privacy and governance (issue 11): consent, erasure tombstones, the audit log, privacy budgets. */
export function privacy(_dialect: DialectName) {
  return {
    async up(_db: Kysely<unknown>): Promise<void> {},
  };
}
