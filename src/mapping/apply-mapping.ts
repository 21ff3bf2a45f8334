import { type Issue, issue } from "../model/issue.js";
import {
  emptyAttributes,
  type PostalAddress,
  type RecordAttributes,
  type SourceRecord,
} from "../model/source-record.js";
import type { CompiledMapping } from "./compile-mapping.js";
import { formatPath, leaves, readPath } from "./json-path.js";

export type ApplyResult =
  | { ok: true; record: SourceRecord; issues: Issue[] }
  | { ok: false; reason: Issue; issues: Issue[] };

/** Turns a scalar source value into the text an attribute holds; empty and placeholder cells become null. */
function asText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "string") {
    const s = value.trim();
    return s === "" ? null : s;
  }
  if (typeof value === "number" || typeof value === "bigint")
    return Number.isFinite(Number(value)) ? String(value) : null;
  if (typeof value === "boolean") return value ? "true" : "false";
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  return null;
}

/** A field may hold one value or a list of them (several emails in a JSON array). */
function asTexts(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(asText).filter((s): s is string => s !== null);
  const s = asText(value);
  return s === null ? [] : [s];
}

function toIsoTime(text: string): string | null {
  const compact = /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  const candidate = compact ? `${compact[1]}-${compact[2]}-${compact[3]}` : text;
  const asNumber = /^\d{10}(\d{3})?$/.test(text) ? Number(text) * (text.length === 10 ? 1000 : 1) : null;
  const d = asNumber !== null ? new Date(asNumber) : new Date(candidate);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/**
 * Applies a compiled mapping to one row. A row is rejected (to quarantine) only when it cannot become a
 * record at all: no id where the mapping names one, nothing mapped, or values the model refuses.
 * Lesser problems travel with the record as issues.
 */
export function applyMapping(
  compiled: CompiledMapping,
  row: Record<string, unknown>,
  rowNumber: number,
  importedAt: string,
): ApplyResult {
  const { mapping } = compiled;
  const attributes: RecordAttributes = emptyAttributes();
  const issues: Issue[] = [];
  const addresses = new Map<string, PostalAddress>();
  let sourceRecordId: string | null = null;
  let observedAt: string | null = null;
  let mappedValues = 0;

  for (const field of compiled.fields) {
    const raw = readPath(row, field.path);
    const target = field.target;
    if (target.kind === "ignore") continue;
    if (target.kind === "extra") {
      if (raw !== undefined && raw !== null && raw !== "") attributes.extra[target.name] = raw;
      continue;
    }
    const values = asTexts(raw);
    if (values.length === 0) continue;
    if (raw !== null && typeof raw === "object" && !Array.isArray(raw) && !(raw instanceof Date)) {
      issues.push(
        issue("mapping_object_value", `${field.source} holds an object, not a value`, field.source),
      );
      continue;
    }
    const first = values[0] as string;
    switch (target.kind) {
      case "id":
        sourceRecordId = first;
        break;
      case "observedAt":
        observedAt = toIsoTime(first);
        if (observedAt === null) {
          issues.push(
            issue(
              "observed_at_unreadable",
              `"${first}" in ${field.source} is not a time; import time used`,
              "observedAt",
            ),
          );
        }
        break;
      case "name":
        attributes.name = { ...attributes.name, [target.part]: first };
        mappedValues++;
        break;
      case "email":
        for (const address of values) {
          attributes.emails.push(target.label ? { address, label: target.label } : { address });
        }
        mappedValues++;
        break;
      case "phone":
        for (const number of values) {
          attributes.phones.push(target.label ? { number, label: target.label } : { number });
        }
        mappedValues++;
        break;
      case "address": {
        const key = target.label ?? "";
        const address = addresses.get(key) ?? (target.label ? { label: target.label } : {});
        address[target.part] = first;
        addresses.set(key, address);
        mappedValues++;
        break;
      }
      case "dateOfBirth":
        attributes.dateOfBirth = first;
        mappedValues++;
        break;
      case "gender":
        attributes.gender = first;
        mappedValues++;
        break;
      case "identifier":
        for (const value of values) {
          attributes.identifiers.push(
            target.namespace
              ? { type: target.type, value, namespace: target.namespace }
              : { type: target.type, value },
          );
        }
        mappedValues++;
        break;
      case "text":
        attributes.texts.push({ name: target.name, value: values.join("\n") });
        mappedValues++;
        break;
    }
  }
  attributes.addresses.push(...addresses.values());

  if (mapping.keepUnmapped) {
    for (const [path, value] of leaves(row)) {
      if (value === undefined || value === null || value === "") continue;
      if (isUnderMapped(compiled.mappedPaths, path)) continue;
      attributes.extra[formatPath(path)] = value;
    }
  }

  if (compiled.hasId && sourceRecordId === null) {
    return {
      ok: false,
      reason: issue("missing_id", `row ${rowNumber} has no record id`, "id", "error"),
      issues,
    };
  }
  if (mappedValues === 0) {
    return {
      ok: false,
      reason: issue(
        "empty_record",
        `row ${rowNumber} has none of the mapped person attributes`,
        undefined,
        "error",
      ),
      issues,
    };
  }
  // Built by construction to fit `sourceRecordSchema` (texts trimmed and non-empty, times ISO), so rows
  // are not parsed through zod again: at millions of rows that check would cost more than the mapping.
  const record: SourceRecord = {
    source: mapping.source,
    sourceRecordId: sourceRecordId ?? `row-${rowNumber}`,
    observedAt: observedAt ?? importedAt,
    attributes,
  };
  return { ok: true, record, issues };
}

function isUnderMapped(mapped: Set<string>, path: string[]): boolean {
  let key = "";
  for (const part of path) {
    key = key === "" ? part : `${key}.${part}`;
    if (mapped.has(key)) return true;
  }
  return false;
}
