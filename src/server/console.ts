import type { FastifyInstance } from "fastify";
import type { Store } from "../store/open-store.js";
import type { KeyRing } from "./auth.js";

/** The web console (issue 12): the built web/ app served by `tessera serve`. */
export async function registerConsole(
  _app: FastifyInstance,
  _ctx: { store: Store; keys: KeyRing },
): Promise<void> {}
