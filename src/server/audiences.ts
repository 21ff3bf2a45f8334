import type { FastifyInstance } from "fastify";
import type { Store } from "../store/open-store.js";
import type { KeyRing } from "./auth.js";

/** Audiences (issue 8): segments, computed traits, the message ledger and `POST /v1/decide`. */
export async function registerAudienceRoutes(
  _app: FastifyInstance,
  _ctx: { store: Store; keys: KeyRing },
): Promise<void> {}
