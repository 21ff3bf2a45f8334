import { createHash } from "node:crypto";
import { applyMapping } from "../mapping/apply-mapping.js";
import type { CompiledMapping } from "../mapping/compile-mapping.js";
import type { Issue } from "../model/issue.js";
import { matchViewJson } from "../model/match-record.js";
import type { SourceRecord } from "../model/source-record.js";
import type { ReadItem } from "../sources/types.js";
import { addEvidence } from "../standardize/extract/evidence.js";
import { type StandardizeOptions, standardizeRecord } from "../standardize/record.js";
import type { PendingRecord } from "../store/source-records.js";

/**
 * The CPU-bound middle of an import, for one row: map it, standardise it, serialise it. Pure, so that it
 * runs the same on the main thread and in the import's worker threads; its output is plain strings and
 * numbers, cheap to pass between threads and ready to write.
 */

export type PreparedRow =
  | { kind: "record"; record: PendingRecord; issueCodes: string[] }
  | { kind: "rejected"; rowNumber: number; code: string; field: string | null; reason: string; raw: string };

const rawLimit = 64 * 1024;

function rawOf(row: Record<string, unknown>): string {
  const text = JSON.stringify(row);
  return text.length > rawLimit ? `${text.slice(0, rawLimit)}…` : text;
}

export function prepareRow(
  compiled: CompiledMapping,
  item: ReadItem,
  importedAt: string,
  standardizeOptions: StandardizeOptions,
): PreparedRow {
  if (item.kind === "unreadable") {
    return {
      kind: "rejected",
      rowNumber: item.rowNumber,
      code: item.reason.code,
      field: item.reason.field ?? null,
      reason: item.reason.message,
      raw: item.raw,
    };
  }
  const mapped = applyMapping(compiled, item.values, item.rowNumber, importedAt);
  if (!mapped.ok) {
    return {
      kind: "rejected",
      rowNumber: item.rowNumber,
      code: mapped.reason.code,
      field: mapped.reason.field ?? null,
      reason: mapped.reason.message,
      raw: rawOf(item.values),
    };
  }
  // Free texts are read for facts (emails, phones, a signature's name…) before standardising, so that
  // what they hold is compared like the record's own values.
  addEvidence(mapped.record.attributes, `${mapped.record.source}/${mapped.record.sourceRecordId}`, {
    ...(standardizeOptions.defaultCountry ? { defaultCountry: standardizeOptions.defaultCountry } : {}),
  });
  const { record, issues } = pendingRecord(
    { ...mapped.record, rowNumber: item.rowNumber },
    standardizeOptions,
    mapped.issues,
  );
  return { kind: "record", issueCodes: issues.map((i) => i.code), record };
}

/**
 * A record ready to write: its attributes standardised, and everything serialised — the attributes with their
 * content hash (an unchanged record is not versioned again), the standardised record, its match view and its
 * issues (`earlier` ones, from mapping, first).
 */
export function pendingRecord(
  r: Pick<SourceRecord, "source" | "sourceRecordId" | "observedAt" | "attributes"> & { rowNumber: number },
  standardizeOptions: StandardizeOptions,
  earlier: Issue[] = [],
): { record: PendingRecord; issues: Issue[] } {
  const { standardized, issues } = standardizeRecord(r.attributes, standardizeOptions);
  const all = earlier.length > 0 ? [...earlier, ...issues] : issues;
  const attributesJson = JSON.stringify(r.attributes);
  return {
    issues: all,
    record: {
      source: r.source,
      sourceRecordId: r.sourceRecordId,
      observedAt: r.observedAt,
      rowNumber: r.rowNumber,
      contentHash: createHash("sha1").update(attributesJson).digest("base64url"),
      attributesJson,
      standardizedJson: JSON.stringify(standardized),
      matchViewJson: matchViewJson(standardized),
      issuesJson: JSON.stringify(all),
    },
  };
}
