/** Tables of the real-time path (issue 5), as Kysely sees them. */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by issue 5
export interface RealtimeTables {}
