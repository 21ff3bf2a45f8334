import type { CompiledMapping } from "../mapping/compile-mapping.js";
import type { StandardizedRecord } from "../model/standardized.js";
import type { RecordToResolve } from "../resolve/features.js";
import { readSource } from "../sources/open-source.js";
import { prepareRow } from "./prepare-row.js";

export interface FileRecord extends RecordToResolve {
  sourceRecordId: string;
  extra: Record<string, unknown>;
}

/**
 * Reads a file straight into records ready to resolve (mapped and standardised, nothing stored): for
 * benchmarks and tests on public data sets. A row that does not become a record stops it, naming the row.
 */
export async function readRecordsToResolve(
  path: string,
  compiled: CompiledMapping,
  now = new Date("2026-01-01T00:00:00.000Z"),
): Promise<FileRecord[]> {
  const { mapping } = compiled;
  const options = {
    ...(mapping.defaultCountry ? { defaultCountry: mapping.defaultCountry } : {}),
    dateOrder: mapping.dateOrder,
    now,
  };
  const records: FileRecord[] = [];
  for await (const item of readSource(path)) {
    const row = prepareRow(compiled, item, now.toISOString(), options);
    if (row.kind !== "record") throw new Error(`${path} row ${row.rowNumber}: ${row.reason}`);
    const id = row.record.sourceRecordId;
    records.push({
      key: `${mapping.source}/${id}`,
      source: mapping.source,
      sourceRecordId: id,
      standardized: JSON.parse(row.record.standardizedJson) as StandardizedRecord,
      extra: (JSON.parse(row.record.attributesJson) as { extra: Record<string, unknown> }).extra,
    });
  }
  return records;
}
