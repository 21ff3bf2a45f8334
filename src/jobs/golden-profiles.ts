import { once } from "node:events";
import { createWriteStream } from "node:fs";
import type { GoldenProfile } from "../master/golden-profile.js";
import { standardizeEmail } from "../standardize/email.js";
import { standardizePhone } from "../standardize/phone.js";
import {
  aliasesOf,
  type ChangeRow,
  type EntityRow,
  entityHistory,
  entityIdPattern,
  entityLinks,
  findByLookup,
  getProfiles,
  goldenProfiles,
  type LinkRow,
  resolveEntity,
} from "../store/entities.js";
import type { Store } from "../store/open-store.js";
import { type Decision, listDecisions } from "../store/stewardship.js";

/** Reading golden profiles: one by id, email or phone, with its lineage and history; or all, exported. */

export interface ProfileView {
  entity: EntityRow;
  /** The id asked for when it is an alias of `entity`. */
  alias: string | null;
  aliases: string[];
  profile: GoldenProfile | null;
  links: LinkRow[];
  history: ChangeRow[];
  decisions: Decision[];
}

async function view(store: Store, id: string): Promise<ProfileView | null> {
  const found = await resolveEntity(store.db, id);
  if (!found) return null;
  const entity = found.entity;
  const aliases = await aliasesOf(store.db, entity.id);
  return {
    entity,
    alias: found.via?.id ?? null,
    aliases,
    profile: (await getProfiles(store.db, [entity.id])).get(entity.id) ?? null,
    links: await entityLinks(store.db, entity.id),
    history: await entityHistory(store.db, [entity.id, ...aliases]),
    decisions: (await Promise.all([entity.id, ...aliases].map((e) => listDecisions(store.db, { entity: e }))))
      .flat()
      .filter((d, i, all) => all.findIndex((x) => x.id === d.id) === i)
      .sort((a, b) => a.id - b.id),
  };
}

/** The profiles an id (`T-42`), an email or a phone number names; an error says when none does. */
export async function findProfiles(store: Store, query: string): Promise<ProfileView[]> {
  const q = query.trim();
  let ids: string[];
  if (entityIdPattern.test(q)) ids = [q];
  else if (q.includes("@")) {
    const email = standardizeEmail({ address: q }).value;
    if (!email) throw new Error(`"${q}" is not an email address`);
    ids = await findByLookup(store.db, "email", email.canonical);
  } else {
    const phone = standardizePhone({ number: q }).value;
    if (!phone?.e164)
      throw new Error(`"${q}" is neither a golden id (T-42), an email nor a phone number in E.164 (+44…)`);
    ids = await findByLookup(store.db, "phone", phone.e164);
  }
  const views: ProfileView[] = [];
  for (const id of ids) {
    const v = await view(store, id);
    if (v) views.push(v);
  }
  if (views.length === 0) throw new Error(`no golden profile for ${q}`);
  return views;
}

export type ExportFormat = "csv" | "jsonl" | "parquet";

const columns = [
  "id",
  "full_name",
  "given",
  "middle",
  "family",
  "date_of_birth",
  "gender",
  "address",
  "city",
  "postcode",
  "country",
  "email",
  "emails",
  "phone",
  "phones",
  "records",
  "sources",
] as const;

function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "";
  const s = String(value);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One flat row per profile: the golden values, the primary (first valid) email and phone, and all of them. */
export function flatProfile(
  id: string,
  p: GoldenProfile,
): Record<(typeof columns)[number], string | number | null> {
  const primary = (items: GoldenProfile["emails"]) => (items.find((i) => i.valid) ?? items[0])?.value ?? null;
  return {
    id,
    full_name: p.name?.value.full ?? null,
    given: p.name?.value.given ?? null,
    middle: p.name?.value.middle ?? null,
    family: p.name?.value.family ?? null,
    date_of_birth: p.dateOfBirth?.value ?? null,
    gender: p.gender?.value ?? null,
    address: p.address?.value.line ?? null,
    city: p.address?.value.city ?? null,
    postcode: p.address?.value.postcode ?? null,
    country: p.address?.value.country ?? null,
    email: primary(p.emails),
    emails: p.emails.map((e) => e.value).join(";"),
    phone: primary(p.phones),
    phones: p.phones.map((e) => e.value).join(";"),
    records: p.records,
    sources: p.sources.join(";"),
  };
}

/**
 * Writes every active golden profile: CSV (flat, one row each) or JSON lines (the whole profile with its
 * lineage). Returns how many were written.
 */
export async function exportGolden(store: Store, format: ExportFormat, path: string): Promise<number> {
  if (format === "parquet")
    throw new Error(
      "parquet export needs the hyparquet-writer package, which is not installed: export csv or jsonl",
    );
  if (format !== "csv" && format !== "jsonl")
    throw new Error(`unknown export format "${format}": csv, jsonl or parquet`);
  const out = createWriteStream(path);
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, "drain");
  };
  let count = 0;
  if (format === "csv") await write(`${columns.join(",")}\n`);
  for await (const page of goldenProfiles(store)) {
    let chunk = "";
    for (const { id, profile } of page) {
      if (format === "csv") {
        const row = flatProfile(id, profile);
        chunk += `${columns.map((c) => csvCell(row[c])).join(",")}\n`;
      } else chunk += `${JSON.stringify({ id, ...profile })}\n`;
      count++;
    }
    await write(chunk);
  }
  out.end();
  await once(out, "finish");
  return count;
}
