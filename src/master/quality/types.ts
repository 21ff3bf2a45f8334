import type { Issue } from "../../model/issue.js";
import type { StandardizedRecord } from "../../model/standardized.js";
import type { GoldenProfile } from "../golden-profile.js";

/**
 * What data-quality rules read: the latest version of each source record with the problems standardising
 * it found, the raw name it was given (a placeholder name is dropped by standardising, and is itself a
 * sign), the free texts and posts it carries; and each entity as its golden profile and linked records.
 */

export interface QualityRecord {
  /** `source/sourceRecordId`. */
  key: string;
  source: string;
  /** When the source observed it (ISO-8601). */
  observedAt: string;
  standardized: StandardizedRecord;
  issues: Issue[];
  /** The name as the source gave it (`full`, or given and family joined), before standardising. */
  rawName: string | null;
  /** The date of birth as the source gave it (an impossible one is dropped by standardising). */
  rawBirthDate: string | null;
  /** Free texts and posts, with when each was written when known. */
  texts: { field: string; text: string; at: string | null }[];
  /** Unmapped fields the source kept (amount, currency, user agent, device model…). */
  extra: Record<string, unknown>;
}

export interface QualityEntity {
  id: string;
  profile: GoldenProfile | null;
  records: QualityRecord[];
}

export type FindingSeverity = "info" | "warning" | "error";
export type FindingSubject = "record" | "entity" | "event" | "identifier" | "household" | "value";

/** One thing found wrong or doubtful, as the `quality_finding` table keeps it. */
export interface Finding {
  kind: string;
  subjectKind: FindingSubject;
  subject: string;
  field: string | null;
  message: string;
  details: Record<string, unknown>;
  severity: FindingSeverity;
}
