/**
 * Stable golden ids: after a resolution run, the new clusters take the ids of the previous entities by their
 * record links, so that an id never changes meaning.
 *
 * - Each previous entity belongs to the new cluster holding most of its records (ties: the larger cluster,
 *   then the earlier one): that is where its id goes. An entity split into parts thus stays with its largest
 *   part, and the other parts need ids of their own — except a part that undoes a merge (below).
 * - A cluster that several previous entities belong to is their merge: the oldest id survives (the smallest
 *   sequence number), the others become its aliases.
 * - When an entity comes apart, a part that is one of its aliases again — the alias's records at the merge
 *   make the majority both of the alias and of the part — takes that alias's id back, whatever its size, so
 *   that a merge undone gives back the entities of before. Any other part without an entity needs a new id
 *   (allocated by the caller, never reused).
 * - A previous entity none of whose records remain is deleted.
 *
 * Re-running on the same records gives every cluster its previous id; new records only add to clusters, so
 * adding a source keeps every id except where entities really merge.
 */

export interface PreviousEntity {
  id: string;
  /** Allocation order: smaller is older. */
  seq: number;
}

/** An entity merged into another earlier, with the records it held when it was merged. */
export interface AliasEntity extends PreviousEntity {
  survivor: string;
  records: string[];
}

export interface IdInput {
  /** The record keys of each new cluster. */
  clusters: string[][];
  /** Record key → the active entity holding it before this run. */
  previous: Map<string, string>;
  /** Active entity id → its sequence number. */
  seqOf: Map<string, number>;
  /** Merged-away entities by the id of the entity that absorbed them. */
  aliasesOf?: Map<string, AliasEntity[]>;
}

export type ClusterId =
  | { kind: "kept"; id: string; merged: string[]; split: boolean }
  | { kind: "revived"; id: string; from: string[] }
  | { kind: "new"; from: string[] };

export interface IdAssignment {
  /** Per cluster, in the order of `clusters`. */
  clusters: ClusterId[];
  /** Previous entities with no record left. */
  deleted: string[];
}

export function assignIds(input: IdInput): IdAssignment {
  const { clusters, previous, seqOf } = input;
  const seq = (id: string) => seqOf.get(id) ?? Number.MAX_SAFE_INTEGER;
  /** Per previous entity: how many new clusters hold some of its records. */
  const spread = new Map<string, number>();
  const countsOf: Map<string, number>[] = clusters.map((keys) => {
    const counts = new Map<string, number>();
    for (const key of keys) {
      const e = previous.get(key);
      if (e !== undefined) counts.set(e, (counts.get(e) ?? 0) + 1);
    }
    for (const e of counts.keys()) spread.set(e, (spread.get(e) ?? 0) + 1);
    return counts;
  });
  const fromOf = (c: number) =>
    [...(countsOf[c] as Map<string, number>).keys()].sort((a, b) => seq(a) - seq(b));

  // An entity that came apart: a part that is one of its aliases again takes that alias's id back.
  const revivedAt = new Map<number, string>();
  if (input.aliasesOf && input.aliasesOf.size > 0) {
    const taken = new Set<string>();
    clusters.forEach((keys, c) => {
      const split = fromOf(c).filter((e) => (spread.get(e) ?? 0) > 1);
      const alias = revivable(keys, split, input.aliasesOf, taken);
      if (alias) {
        taken.add(alias);
        revivedAt.set(c, alias);
      }
    });
  }

  // Per previous entity: the cluster holding most of its records, a revived part only when nothing else is.
  const home = new Map<string, { cluster: number; count: number; revived: boolean }>();
  clusters.forEach((keys, c) => {
    const revived = revivedAt.has(c);
    for (const [e, count] of countsOf[c] as Map<string, number>) {
      const h = home.get(e);
      const better =
        !h ||
        (h.revived && !revived) ||
        (h.revived === revived &&
          (count > h.count || (count === h.count && keys.length > (clusters[h.cluster] as string[]).length)));
      if (better) home.set(e, { cluster: c, count, revived });
    }
  });
  for (const h of home.values()) if (h.revived) revivedAt.delete(h.cluster);
  const homed: string[][] = clusters.map(() => []);
  for (const [e, h] of home) (homed[h.cluster] as string[]).push(e);

  const result: ClusterId[] = clusters.map((_, c) => {
    const mine = (homed[c] as string[]).sort((a, b) => seq(a) - seq(b));
    if (mine.length > 0) {
      const id = mine[0] as string;
      return { kind: "kept", id, merged: mine.slice(1), split: (spread.get(id) ?? 0) > 1 };
    }
    const alias = revivedAt.get(c);
    if (alias) return { kind: "revived", id: alias, from: fromOf(c) };
    return { kind: "new", from: fromOf(c) };
  });

  const deleted = [...seqOf.keys()].filter((id) => !home.has(id)).sort((a, b) => seq(a) - seq(b));
  return { clusters: result, deleted };
}

function revivable(
  keys: string[],
  from: string[],
  aliasesOf: Map<string, AliasEntity[]> | undefined,
  taken: Set<string>,
): string | null {
  if (!aliasesOf || from.length === 0) return null;
  const here = new Set(keys);
  let best: { id: string; overlap: number; seq: number } | null = null;
  for (const survivor of from) {
    for (const alias of aliasesOf.get(survivor) ?? []) {
      if (taken.has(alias.id)) continue;
      const overlap = alias.records.reduce((n, k) => n + (here.has(k) ? 1 : 0), 0);
      if (overlap * 2 <= keys.length || overlap * 2 <= alias.records.length) continue;
      if (!best || overlap > best.overlap || (overlap === best.overlap && alias.seq < best.seq))
        best = { id: alias.id, overlap, seq: alias.seq };
    }
  }
  return best?.id ?? null;
}
