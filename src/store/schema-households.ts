/** Tables of quality profiles, enrichment and households (issue 6), as Kysely sees them. */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by issue 6
export interface HouseholdTables {}
