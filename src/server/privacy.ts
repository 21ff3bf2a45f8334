import type { FastifyInstance } from "fastify";
import type { Store } from "../store/open-store.js";
import type { KeyRing } from "./auth.js";

/** Privacy (issue 11): consent, erasure, access, audit and insights. */
export async function registerPrivacyRoutes(
  _app: FastifyInstance,
  _ctx: { store: Store; keys: KeyRing },
): Promise<void> {}
