/** What the loading threads of a resolution run read, and the SQL they read with. */
export interface LoadSetup {
  file: string;
  /** Read match views (the default), or whole latest records (when a truth label sits in their extra fields). */
  mode: "views" | "records";
  sources: string[] | null;
  features: string[];
  /** Where the truth label is, for evaluation: an extra field or a pattern (source text) over the record id. */
  truth: { field: string } | { idPattern: string } | null;
  /** `source/id` → its latest version, for the records stored in more than one version only. */
  latestVersions: [string, number][];
  batchSize: number;
  typescriptScript?: string;
}

/** A range of storage ids, (fromId, toId], numbered so that results keep storage order. */
export interface LoadChunk {
  index: number;
  fromId: number;
  toId: number;
}

/** The match views of a range of row ids, in row order. */
export function viewsSql(sources: string[] | null): string {
  const only = sources && sources.length > 0 ? ` and +source in (${sources.map(() => "?").join(", ")})` : "";
  return `select rowid, source, source_record_id, view from match_view where rowid > ? and rowid <= ?${only}
    order by rowid`;
}

/** The rows of a range of storage ids, in storage order. */
export function rowsSql(sources: string[] | null, withAttributes: boolean): string {
  const only = sources && sources.length > 0 ? ` and +source in (${sources.map(() => "?").join(", ")})` : "";
  return `select id, source, source_record_id, version, standardized${withAttributes ? ", attributes" : ""}
    from source_record where id > ? and id <= ?${only} order by id`;
}

/** Records stored in more than one version, with their latest: read from the unique index alone. */
export const latestVersionsSql = `select source, source_record_id, max(version) as version from source_record
  where version > 1 group by source, source_record_id`;

const patterns = new Map<string, RegExp>();

/** A record's truth label; a record without one is an entity of its own, named by its key. */
export function labelOf(
  truth: NonNullable<LoadSetup["truth"]>,
  key: string,
  sourceRecordId: string,
  attributes: string | undefined,
): string {
  if ("field" in truth) {
    const extra = (JSON.parse(attributes ?? "{}") as { extra?: Record<string, unknown> }).extra ?? {};
    return String(extra[truth.field] ?? `none:${key}`);
  }
  let pattern = patterns.get(truth.idPattern);
  if (!pattern) {
    pattern = new RegExp(truth.idPattern);
    patterns.set(truth.idPattern, pattern);
  }
  return pattern.exec(sourceRecordId)?.[1] ?? `none:${key}`;
}
