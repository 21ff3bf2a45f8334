/** Tables of predictive scores (issue 9), as Kysely sees them. */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by issue 9
export interface ScoreTables {}
