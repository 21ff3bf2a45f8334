import type { Kysely } from "kysely";
import type { DialectName } from "../dialect.js";

/** Scale-out (issue 13): what many workers and batch partitions need to share. */
export function scaleOut(_dialect: DialectName) {
  return {
    async up(_db: Kysely<unknown>): Promise<void> {},
  };
}
