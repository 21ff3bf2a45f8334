import { userInfo } from "node:os";

/** Who is deciding: `--by`, else $TESSERA_STEWARD, else the login name. */
export function stewardName(by?: string): string {
  if (by?.trim()) return by.trim();
  if (process.env.TESSERA_STEWARD) return process.env.TESSERA_STEWARD;
  try {
    return userInfo().username;
  } catch {
    return "steward";
  }
}
