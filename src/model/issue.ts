import { z } from "zod";

/**
 * A problem found in data, as data: a stable code a program can branch on, the field it concerns and a
 * sentence a person can read. Standardisers, mappers and readers return these instead of throwing.
 */
export const issueSeverity = z.enum(["error", "warning", "info"]);
export type IssueSeverity = z.infer<typeof issueSeverity>;

export const issueSchema = z.object({
  code: z.string().min(1),
  field: z.string().optional(),
  message: z.string(),
  severity: issueSeverity.default("warning"),
});
export type Issue = z.infer<typeof issueSchema>;

export function issue(
  code: string,
  message: string,
  field?: string,
  severity: IssueSeverity = "warning",
): Issue {
  return field === undefined ? { code, message, severity } : { code, field, message, severity };
}

/** A value with the problems found while producing it; `value` is null when nothing usable remained. */
export interface Checked<T> {
  value: T | null;
  issues: Issue[];
}
