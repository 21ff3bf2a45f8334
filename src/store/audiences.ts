import type { Kysely } from "kysely";
import type { Database } from "./schema.js";

/**
 * Audiences as a profile shows them (issue 8 fills these in): the segments a person is in now, and their
 * computed traits.
 */

export interface SegmentMembership {
  segmentId: string;
  name: string;
  since: string;
}

export async function segmentsOf(_db: Kysely<Database>, _entityId: string): Promise<SegmentMembership[]> {
  return [];
}

export async function computedTraitsOf(
  _db: Kysely<Database>,
  _entityId: string,
): Promise<Record<string, unknown>> {
  return {};
}
