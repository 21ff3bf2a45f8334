import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import type {
  ColumnUpdateNode,
  InsertQueryNode,
  KyselyPlugin,
  OperationNode,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
  UpdateQueryNode,
  ValueNode,
} from "kysely";

/**
 * Field-level encryption at rest (optional, off by default): chosen attributes inside the JSON documents that
 * hold personal data — source records' `attributes` and `standardized`, golden profiles' `profile`, events'
 * `body` — are stored as `{"$enc": "tessera:v1:<key id>:<iv>:<ciphertext and tag>"}`, each value sealed with
 * AES-256-GCM under a fresh 96-bit IV, the table, column and attribute name bound as associated data.
 *
 * Keys: TESSERA_ENCRYPTION_KEYS = "k2:<base64 32 bytes>,k1:<base64>" (the first encrypts; all decrypt), or
 * TESSERA_ENCRYPTION_KEY = "<base64>" (key id k1), or TESSERA_ENCRYPTION_KEY_FILE naming a file of such
 * `id:key` lines (first line current). Attributes: TESSERA_ENCRYPT_FIELDS (default: names, emails, phones,
 * addresses, dates of birth, and the same in event traits). `tessera keys rotate-encryption` re-seals every
 * value under the current key.
 *
 * It works as a Kysely plugin on the store's connection: inserts and updates of those columns are sealed, and
 * every row read is opened, so repositories see plain JSON. Not encrypted: the lookup and graph columns that
 * are searched by value (golden_lookup, identity, event.user_id/anonymous_id, match_view's compact features),
 * which are what resolution and lookups compare — see docs/privacy.md.
 */

export interface FieldEncryption {
  current: { id: string; key: Buffer };
  keys: Map<string, Buffer>;
  fields: Set<string>;
}

export const encryptedColumns: Record<string, string[]> = {
  source_record: ["attributes", "standardized"],
  golden_profile: ["profile"],
  event: ["body"],
};

export const defaultFields = [
  "name",
  "emails",
  "phones",
  "addresses",
  "address",
  "dateOfBirth",
  "email",
  "phone",
  "firstName",
  "lastName",
  "birthday",
];

function parseKeys(text: string): [string, Buffer][] {
  return text
    .split(/[,\n]/)
    .map((x) => x.trim())
    .filter((x) => x && !x.startsWith("#"))
    .map((entry) => {
      const colon = entry.indexOf(":");
      const id = colon < 0 ? "k1" : entry.slice(0, colon);
      const key = Buffer.from(colon < 0 ? entry : entry.slice(colon + 1), "base64");
      if (!/^[\w-]{1,16}$/.test(id))
        throw new Error(`encryption key id "${id}" must be 1–16 letters, digits, _ or -`);
      if (key.length !== 32)
        throw new Error(`encryption key ${id} must be 32 bytes in base64 (it has ${key.length})`);
      return [id, key];
    });
}

/** The encryption the environment asks for, or null when none is configured. */
export function fieldEncryptionFromEnv(env: NodeJS.ProcessEnv = process.env): FieldEncryption | null {
  let entries: [string, Buffer][] = [];
  if (env.TESSERA_ENCRYPTION_KEYS) entries = parseKeys(env.TESSERA_ENCRYPTION_KEYS);
  else if (env.TESSERA_ENCRYPTION_KEY) entries = parseKeys(env.TESSERA_ENCRYPTION_KEY);
  else if (env.TESSERA_ENCRYPTION_KEY_FILE)
    entries = parseKeys(readFileSync(env.TESSERA_ENCRYPTION_KEY_FILE, "utf8"));
  if (entries.length === 0) return null;
  const fields = env.TESSERA_ENCRYPT_FIELDS
    ? env.TESSERA_ENCRYPT_FIELDS.split(",")
        .map((f) => f.trim())
        .filter(Boolean)
    : defaultFields;
  const [id, key] = entries[0] as [string, Buffer];
  return { current: { id, key }, keys: new Map(entries), fields: new Set(fields) };
}

const prefix = "tessera:v1:";

export function seal(enc: FieldEncryption, plain: string, aad: string): string {
  const iv = randomBytes(12);
  const c = createCipheriv("aes-256-gcm", enc.current.key, iv);
  c.setAAD(Buffer.from(aad, "utf8"));
  const body = Buffer.concat([c.update(plain, "utf8"), c.final(), c.getAuthTag()]);
  return `${prefix}${enc.current.id}:${iv.toString("base64")}:${body.toString("base64")}`;
}

export function open(enc: FieldEncryption, sealed: string, aad: string): string {
  const [, , id, ivText, bodyText] = sealed.split(":");
  const key = enc.keys.get(id ?? "");
  if (!key) throw new Error(`a value is sealed under encryption key "${id}", which is not configured`);
  const body = Buffer.from(bodyText ?? "", "base64");
  const d = createDecipheriv("aes-256-gcm", key, Buffer.from(ivText ?? "", "base64"));
  d.setAAD(Buffer.from(aad, "utf8"));
  d.setAuthTag(body.subarray(body.length - 16));
  return Buffer.concat([d.update(body.subarray(0, body.length - 16)), d.final()]).toString("utf8");
}

const isSealed = (v: unknown): v is { $enc: string } =>
  !!v &&
  typeof v === "object" &&
  typeof (v as { $enc?: unknown }).$enc === "string" &&
  Object.keys(v).length === 1;

/** Seals the chosen attributes of a JSON document (up to four levels down: traits, context.traits). */
export function sealDocument(enc: FieldEncryption, doc: unknown, where: string, depth = 0): unknown {
  if (!doc || typeof doc !== "object" || depth > 4) return doc;
  if (Array.isArray(doc)) return doc.map((x) => sealDocument(enc, x, where, depth + 1));
  if (isSealed(doc)) return doc;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc as Record<string, unknown>))
    out[k] =
      enc.fields.has(k) && v !== null && v !== undefined && !isSealed(v)
        ? { $enc: seal(enc, JSON.stringify(v), `${where}.${k}`) }
        : sealDocument(enc, v, where, depth + 1);
  return out;
}

export function openDocument(enc: FieldEncryption, doc: unknown, where: string, depth = 0): unknown {
  if (!doc || typeof doc !== "object" || depth > 5) return doc;
  if (Array.isArray(doc)) return doc.map((x) => openDocument(enc, x, where, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc as Record<string, unknown>))
    out[k] = isSealed(v)
      ? JSON.parse(open(enc, v.$enc, `${where}.${k}`))
      : openDocument(enc, v, where, depth + 1);
  return out;
}

function sealValue(enc: FieldEncryption, value: unknown, where: string): unknown {
  if (typeof value !== "string" || !value.startsWith("{")) return value;
  try {
    return JSON.stringify(sealDocument(enc, JSON.parse(value), where));
  } catch {
    return value;
  }
}

function nameOf(node: unknown): string | null {
  const n = node as
    | { kind?: string; table?: unknown; identifier?: { name?: string }; node?: unknown }
    | undefined;
  if (!n) return null;
  if (n.kind === "TableNode") return nameOf(n.table);
  if (n.kind === "SchemableIdentifierNode") return n.identifier?.name ?? null;
  if (n.kind === "AliasNode") return nameOf(n.node);
  return null;
}

const columnName = (c: unknown) => (c as { column?: { name?: string } }).column?.name ?? null;

/** The Kysely plugin that seals on write and opens on read. */
export class FieldEncryptionPlugin implements KyselyPlugin {
  constructor(readonly enc: FieldEncryption) {}

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    const node = args.node;
    if (node.kind === "InsertQueryNode") return this.insert(node);
    if (node.kind === "UpdateQueryNode") return this.update(node);
    return node;
  }

  private sealUpdates(table: string, updates: readonly ColumnUpdateNode[] | undefined, cols: string[]) {
    return updates?.map((u) => {
      const c = columnName(u.column);
      const v = u.value as ValueNode;
      if (!c || !cols.includes(c) || v.kind !== "ValueNode") return u;
      return { ...u, value: { ...v, value: sealValue(this.enc, v.value, `${table}.${c}`) } };
    });
  }

  private insert(node: InsertQueryNode): RootOperationNode {
    const table = nameOf(node.into);
    const cols = table ? encryptedColumns[table] : undefined;
    if (!table || !cols || !node.columns) return node;
    const positions = node.columns.map((c) =>
      cols.includes(columnName(c) ?? "") ? (columnName(c) as string) : null,
    );
    const values = node.values as { kind: string; values: readonly OperationNode[] } | undefined;
    let out: InsertQueryNode = node;
    if (values?.kind === "ValuesNode") {
      const rows = values.values.map((row) => {
        const r = row as unknown as { kind: string; values: readonly unknown[] };
        if (r.kind === "PrimitiveValueListNode")
          return {
            ...r,
            values: r.values.map((v, i) =>
              positions[i] ? sealValue(this.enc, v, `${table}.${positions[i]}`) : v,
            ),
          };
        if (r.kind === "ValueListNode")
          return {
            ...r,
            values: r.values.map((v, i) => {
              const vn = v as ValueNode;
              return positions[i] && vn.kind === "ValueNode"
                ? { ...vn, value: sealValue(this.enc, vn.value, `${table}.${positions[i]}`) }
                : v;
            }),
          };
        return row;
      });
      out = { ...out, values: { ...values, values: rows } as unknown as InsertQueryNode["values"] };
    }
    if (node.onConflict?.updates)
      out = {
        ...out,
        onConflict: { ...node.onConflict, updates: this.sealUpdates(table, node.onConflict.updates, cols) },
      };
    return out;
  }

  private update(node: UpdateQueryNode): RootOperationNode {
    const table = nameOf(node.table);
    const cols = table ? encryptedColumns[table] : undefined;
    if (!table || !cols) return node;
    return { ...node, updates: this.sealUpdates(table, node.updates, cols) };
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const rows = args.result.rows;
    if (!rows || rows.length === 0) return args.result;
    let touched = false;
    const opened = rows.map((row) => {
      let copy: UnknownRow | null = null;
      for (const [k, v] of Object.entries(row)) {
        const where = whereOf(k);
        if (!where) continue;
        if (
          typeof v === "string"
            ? v.includes('"$enc"')
            : v && typeof v === "object" && JSON.stringify(v).includes('"$enc"')
        ) {
          copy ??= { ...row };
          copy[k] =
            typeof v === "string"
              ? JSON.stringify(openDocument(this.enc, JSON.parse(v), where))
              : openDocument(this.enc, v, where);
          touched = true;
        }
      }
      return copy ?? row;
    });
    return touched ? { ...args.result, rows: opened } : args.result;
  }
}

/** The associated data a column's values are sealed with, by the column's name as read. */
function whereOf(column: string): string | null {
  for (const [table, cols] of Object.entries(encryptedColumns))
    if (cols.includes(column)) return `${table}.${column}`;
  return null;
}

const keyColumn: Record<string, string> = { source_record: "id", golden_profile: "entity_id", event: "id" };

/**
 * Re-seals every value of the encrypted columns under the current key (after adding a key to the front of
 * TESSERA_ENCRYPTION_KEYS; the old key can be dropped once this has run), and seals values written before
 * encryption was turned on. Runs on a store opened with the plugin; a page of rows per transaction.
 */
export async function rotateEncryption(
  db: import("kysely").Kysely<import("../store/schema.js").Database>,
  onProgress: (table: string, rows: number) => void = () => {},
): Promise<Record<string, number>> {
  const loose = db as unknown as import("kysely").Kysely<Record<string, Record<string, unknown>>>;
  const done: Record<string, number> = {};
  for (const [table, cols] of Object.entries(encryptedColumns)) {
    const pk = keyColumn[table] as string;
    let after: unknown = null;
    let n = 0;
    for (;;) {
      let q = loose
        .selectFrom(table)
        .select([pk, ...cols])
        .orderBy(pk)
        .limit(500);
      if (after !== null) q = q.where(pk, ">", after);
      const rows = await q.execute();
      if (rows.length === 0) break;
      await loose.transaction().execute(async (trx) => {
        for (const r of rows) {
          const set: Record<string, unknown> = {};
          for (const c of cols) {
            const v = r[c];
            set[c] = typeof v === "string" ? v : JSON.stringify(v);
          }
          await trx.updateTable(table).set(set).where(pk, "=", r[pk]).execute();
        }
      });
      n += rows.length;
      after = rows[rows.length - 1]?.[pk];
      onProgress(table, n);
    }
    done[table] = n;
  }
  return done;
}
