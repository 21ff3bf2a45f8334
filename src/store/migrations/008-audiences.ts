import type { Kysely } from "kysely";
import type { DialectName } from "../dialect.js";

/** Audiences (issue 8): computed traits, segments and their members, micro-segments, the message ledger and frequency policies. */
export function audiences(_dialect: DialectName) {
  return {
    async up(_db: Kysely<unknown>): Promise<void> {},
  };
}
