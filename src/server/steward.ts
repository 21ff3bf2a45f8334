import type { FastifyInstance } from "fastify";
import type { Store } from "../store/open-store.js";
import type { KeyRing } from "./auth.js";

/** Stewardship over HTTP (issue 12): the review queue, merge and split. */
export async function registerStewardRoutes(
  _app: FastifyInstance,
  _ctx: { store: Store; keys: KeyRing },
): Promise<void> {}
