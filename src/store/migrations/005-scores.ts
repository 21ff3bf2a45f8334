import type { Kysely } from "kysely";
import type { DialectName } from "../dialect.js";

/** Predictive scores and model runs (issue 9). */
export function scores(_dialect: DialectName) {
  return {
    async up(_db: Kysely<unknown>): Promise<void> {},
    async down(_db: Kysely<unknown>): Promise<void> {},
  };
}
