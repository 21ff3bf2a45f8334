import type { Command } from "commander";
import { findProfiles, type ProfileView } from "../../jobs/golden-profiles.js";
import type { GoldenItem, GoldenValue } from "../../master/golden-profile.js";
import { type GlobalOptions, withStore } from "../context.js";
import { table } from "../table.js";

function valueRow<T>(attribute: string, v: GoldenValue<T> | null, show: (t: T) => string): string[] {
  if (!v) return [attribute, "—", "", "", "", ""];
  const l = v.lineage;
  return [
    attribute,
    show(v.value),
    l.rule,
    l.record,
    l.records.length > 1 ? `${l.records.length} records` : "",
    l.reason,
  ];
}

function itemRow(attribute: string, item: GoldenItem, primary: boolean): string[] {
  const first = item.seen[0];
  const last = item.seen[item.seen.length - 1];
  const when =
    first && last && first.observedAt !== last.observedAt
      ? `${first.observedAt.slice(0, 10)} … ${last.observedAt.slice(0, 10)}`
      : (first?.observedAt.slice(0, 10) ?? "");
  return [
    attribute,
    `${item.value}${item.valid ? "" : " (invalid)"}${primary ? " (primary)" : ""}`,
    "union",
    item.seen.map((s) => s.record).join(", "),
    `${item.seen.length} record${item.seen.length === 1 ? "" : "s"}`,
    `seen in ${[...new Set(item.seen.map((s) => s.source))].join(", ")} ${when}`,
  ];
}

/** A profile for people: golden values with lineage, linked records, aliases, history and decisions. */
export function showProfile(v: ProfileView): string {
  const out: string[] = [];
  const e = v.entity;
  out.push(
    `${e.id}${v.alias ? ` (${v.alias} is an alias of ${e.id})` : ""} — ${e.status}, ${e.records} records, created ${e.createdAt}` +
      (v.aliases.length > 0 ? `, aliases ${v.aliases.join(", ")}` : ""),
  );
  const p = v.profile;
  if (p) {
    const rows: string[][] = [
      valueRow("name", p.name, (n) => n.full),
      valueRow("date of birth", p.dateOfBirth, (d) => d),
      valueRow("gender", p.gender, (g) => g),
      valueRow("address", p.address, (a) => a.line),
    ];
    for (const [i, item] of p.emails.entries()) rows.push(itemRow("email", item, i === 0 && item.valid));
    for (const [i, item] of p.phones.entries()) rows.push(itemRow("phone", item, i === 0 && item.valid));
    for (const item of p.identifiers) rows.push(itemRow(`id:${item.type}`, item, false));
    out.push("", "golden values", table(["attribute", "value", "rule", "from", "held by", "why"], rows));
  }
  out.push(
    "",
    "linked records",
    table(
      ["record", "source", "evidence", "by", "linked at"],
      v.links.map((l) => [
        l.recordKey,
        l.source,
        l.evidence.kind === "score"
          ? `match probability ${(l.evidence.probability ?? 0).toFixed(4)}`
          : l.evidence.kind === "steward"
            ? `steward decision ${l.evidence.decision ?? ""} (${l.evidence.rule ?? ""})`
            : l.evidence.kind === "rule"
              ? `rule: ${l.evidence.rule ?? ""}`
              : "alone",
        l.evidence.by,
        l.linkedAt,
      ]),
    ),
  );
  out.push(
    "",
    "history",
    table(
      ["#", "at", "entity", "change", "records", "cause"],
      v.history.map((c) => [
        c.seq,
        c.at,
        c.entityId,
        c.kind + (c.after?.entities?.length ? ` (${c.after.entities.join(", ")})` : ""),
        `${c.before?.records.length ?? 0} → ${c.after?.records.length ?? 0}`,
        c.cause,
      ]),
    ),
  );
  if (v.decisions.length > 0)
    out.push(
      "",
      "steward decisions",
      table(
        ["#", "at", "by", "decision", "records", "why"],
        v.decisions.map((d) => [d.id, d.at, d.by, d.kind, d.records.join(", "), d.reason ?? ""]),
      ),
    );
  return out.join("\n");
}

export function registerProfiles(program: Command): void {
  const profiles = program.command("profiles").description("golden profiles");
  profiles
    .command("show")
    .description("a golden profile with the lineage of every value, its linked records and its history")
    .argument("<query>", "a golden id (T-42, an alias resolves to its entity), an email or a phone number")
    .option("--json", "print as JSON")
    .action(async (query: string, flags: { json?: boolean }) => {
      await withStore(program.opts<GlobalOptions>(), async (store) => {
        const views = await findProfiles(store, query);
        if (flags.json) console.log(JSON.stringify(views, null, 2));
        else console.log(views.map(showProfile).join("\n\n"));
      });
    });
}
