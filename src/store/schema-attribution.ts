/** Tables of issue 10, as Kysely sees them. */
// biome-ignore lint/suspicious/noEmptyInterface: filled in as the tables are added
export interface AttributionTables {}
