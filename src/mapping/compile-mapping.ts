import { type Issue, issue } from "../model/issue.js";
import { type SourceMapping, type SourceMappingInput, sourceMappingSchema } from "../model/mapping.js";
import { type CompiledPath, compilePath } from "./json-path.js";
import { type MappingTarget, parseTarget } from "./target.js";

export interface CompiledField {
  source: string;
  path: CompiledPath;
  target: MappingTarget;
}

export interface CompiledMapping {
  mapping: SourceMapping;
  fields: CompiledField[];
  /** Source paths that some field reads, joined by "."; their leaves are not kept again as extra. */
  mappedPaths: Set<string>;
  hasId: boolean;
}

export class MappingError extends Error {
  override readonly name = "MappingError";
  constructor(
    readonly issues: Issue[],
    readonly origin?: string,
  ) {
    super(
      `${origin ? `${origin}: ` : ""}invalid source mapping:\n${issues
        .map((i) => `  - ${i.field ? `${i.field}: ` : ""}${i.message}`)
        .join("\n")}`,
    );
  }
}

/** Validates a mapping and parses its targets once, so that applying it per row does no parsing. */
export function compileMapping(input: SourceMappingInput | unknown, origin?: string): CompiledMapping {
  const parsed = sourceMappingSchema.safeParse(input);
  if (!parsed.success) {
    throw new MappingError(
      parsed.error.issues.map((i) => issue("mapping_invalid", i.message, i.path.join("."), "error")),
      origin,
    );
  }
  const mapping = parsed.data;
  const problems: Issue[] = [];
  const fields: CompiledField[] = [];
  for (const [source, rawTargets] of Object.entries(mapping.fields)) {
    for (const rawTarget of Array.isArray(rawTargets) ? rawTargets : [rawTargets]) {
      const target = parseTarget(rawTarget);
      if (typeof target === "string") {
        problems.push(issue("mapping_bad_target", target, `fields.${source}`, "error"));
        continue;
      }
      fields.push({ source, path: compilePath(source), target });
    }
  }
  const singles = ["id", "observedAt", "dateOfBirth", "gender"] as const;
  for (const kind of singles) {
    const n = fields.filter((f) => f.target.kind === kind).length;
    if (n > 1)
      problems.push(issue("mapping_duplicate_target", `${n} fields map to "${kind}"`, "fields", "error"));
  }
  if (Object.keys(mapping.fields).length === 0)
    problems.push(issue("mapping_empty", "the mapping maps no field", "fields", "error"));
  if (problems.length > 0) throw new MappingError(problems, origin);
  return {
    mapping,
    fields,
    mappedPaths: new Set(fields.map((f) => f.path.join("."))),
    hasId: fields.some((f) => f.target.kind === "id"),
  };
}
