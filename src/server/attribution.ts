import type { FastifyInstance } from "fastify";
import type { Store } from "../store/open-store.js";
import type { KeyRing } from "./auth.js";

/** Attribution and channel decisions (issue 10). */
export async function registerAttributionRoutes(
  _app: FastifyInstance,
  _ctx: { store: Store; keys: KeyRing },
): Promise<void> {}
