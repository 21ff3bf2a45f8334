import type { Kysely } from "kysely";
import type { DialectName } from "../dialect.js";

/** Attribution and channel decisions (issue 10): attribution runs and their credit tables, channel policies. */
export function attribution(_dialect: DialectName) {
  return {
    async up(_db: Kysely<unknown>): Promise<void> {},
  };
}
