import { type Kysely, sql } from "kysely";
import type { Store } from "../store/open-store.js";

/**
 * The store's tables and columns as the database itself lists them (sqlite_master and table_info on SQLite,
 * information_schema in the store's schema on PostgreSQL): erasure, the access export and the tests that
 * look for a person's traces read every table, including those added after this code was written.
 */

export interface Column {
  name: string;
  /** Holds text or JSON (where an identifier could be). */
  textual: boolean;
}

const internal = /^kysely_migration/;

export async function listTables(store: Store): Promise<Map<string, Column[]>> {
  const db = store.db as unknown as Kysely<unknown>;
  const out = new Map<string, Column[]>();
  if (store.dialect === "sqlite") {
    const tables = await sql<{
      name: string;
    }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`.execute(
      db,
    );
    for (const t of tables.rows) {
      if (internal.test(t.name)) continue;
      const cols = await sql<{
        name: string;
        type: string;
      }>`select name, type from pragma_table_info(${t.name})`.execute(db);
      out.set(
        t.name,
        cols.rows.map((c) => ({
          name: c.name,
          textual: c.type === "" || /text|char|clob|json/i.test(c.type),
        })),
      );
    }
    return out;
  }
  const cols = await sql<{ table_name: string; column_name: string; data_type: string }>`
    select c.table_name, c.column_name, c.data_type
    from information_schema.columns c
    join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
    where c.table_schema = current_schema() and t.table_type = 'BASE TABLE'
    order by c.table_name, c.ordinal_position`.execute(db);
  for (const c of cols.rows) {
    if (internal.test(c.table_name)) continue;
    let l = out.get(c.table_name);
    if (!l) {
      l = [];
      out.set(c.table_name, l);
    }
    l.push({ name: c.column_name, textual: /text|char|json/i.test(c.data_type) });
  }
  return out;
}

/** A column's value as text, for LIKE over text and JSON alike. */
export function asText(store: Store, column: string) {
  return store.dialect === "postgres"
    ? sql<string>`cast(${sql.ref(column)} as text)`
    : sql<string>`${sql.ref(column)}`;
}

/** The row handle a table can be deleted by without a key: rowid on SQLite, ctid on PostgreSQL. */
export function rowHandle(store: Store) {
  return store.dialect === "postgres" ? sql<string>`cast(ctid as text)` : sql<string>`rowid`;
}

/** Escapes LIKE's wildcards (the pattern uses \ as its escape character). */
export function likeEscape(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Whether `value` occurs in `text` as a whole token (not inside a longer id: u-1 is not in u-10). */
export function containsToken(text: string, value: string): boolean {
  let from = 0;
  for (;;) {
    const i = text.indexOf(value, from);
    if (i < 0) return false;
    const before = i === 0 ? "" : text[i - 1];
    const after = text[i + value.length] ?? "";
    const word = /[\p{L}\p{N}_.+-]/u;
    const glued = (c: string | undefined) => !!c && word.test(c);
    // An e-mail's or id's own characters around it mean it is part of something longer.
    if (!glued(before) && !glued(after)) return true;
    // "…@shop.example." at a sentence's end still counts.
    if (!glued(before) && after === "." && !glued(text[i + value.length + 1])) return true;
    from = i + 1;
  }
}
