import { z } from "zod";

/**
 * A source mapping says how one source's rows become source records: which column (CSV) or JSON path
 * (JSON lines, Parquet) feeds which attribute, plus what the source does not say in each row.
 *
 * Targets:
 *   id                              the source record id (else the row number)
 *   observedAt                      when the source observed the row (else the import time)
 *   name.full|title|given|middle|family|suffix
 *   email | email:<label>           appended; several columns may feed emails
 *   phone | phone:<label>
 *   address.<part> | address:<label>.<part>   part: full line1 line2 streetNumber street unit locality
 *                                             city region postcode country
 *   dateOfBirth, gender
 *   identifier:<type> | identifier:<type>/<namespace>   e.g. identifier:social_handle/twitter
 *   text:<name>                     free text (notes, bio, message)
 *   extra:<name>                    kept as is
 *   ignore                          read but not kept
 *
 * A field may list several targets: `"order_id": ["id", "identifier:order_id"]`.
 */

/**
 * How a source file is read: tables (csv, jsonl, parquet) give a row per line; the multi-structured
 * formats give a row per document — an e-mail (eml, a mailbox: mbox), a visit (access_log, clickstream) or
 * a support conversation (chat: transcript turns as JSON lines or CSV).
 */
export const sourceFormat = z.enum([
  "csv",
  "jsonl",
  "parquet",
  "eml",
  "mbox",
  "access_log",
  "clickstream",
  "chat",
]);
export type SourceFormat = z.infer<typeof sourceFormat>;

export const dateOrder = z.enum(["auto", "DMY", "MDY", "YMD"]);
export type DateOrder = z.infer<typeof dateOrder>;

export const sourceMappingSchema = z.object({
  source: z.string().regex(/^[a-z0-9][a-z0-9_.-]*$/i),
  format: sourceFormat.optional(),
  /** ISO 3166-1 alpha-2 used for phones and addresses that do not name their country. */
  defaultCountry: z
    .string()
    .length(2)
    .transform((s) => s.toUpperCase())
    .optional(),
  /** How far this source is trusted, from 0 to 1; survivorship weighs it. */
  trust: z.number().min(0).max(1).default(0.5),
  /** Day/month order of ambiguous dates in this source. */
  dateOrder: dateOrder.default("auto"),
  /** CSV only (and chat transcripts in CSV): a forced delimiter and encoding, when detection should not be used. */
  delimiter: z.string().min(1).max(1).optional(),
  encoding: z.string().optional(),
  /** Keep columns that no field maps as `extra`, so nothing the source said is lost. */
  keepUnmapped: z.boolean().default(true),
  /** Source column or `$.a.b` path → one target, or several when one value feeds several attributes. */
  fields: z.record(z.string().min(1), z.union([z.string().min(1), z.array(z.string().min(1)).min(1)])),
});
export type SourceMapping = z.infer<typeof sourceMappingSchema>;
export type SourceMappingInput = z.input<typeof sourceMappingSchema>;
