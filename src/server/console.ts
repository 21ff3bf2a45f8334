import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance } from "fastify";
import type { Store } from "../store/open-store.js";
import type { KeyRing } from "./auth.js";

/**
 * The web console (issue 12): the built web/ app (`npm run build:web`, run by `npm start`) served at `/`, with
 * every path the app routes itself (/profiles/T-1, /review…) answered by its index.html. The app holds no
 * data of its own: it signs in with an API key and calls the same HTTP API as any other system. When the app
 * has not been built, `/` says how to build it instead of answering 404.
 */

/** Where the built console is: $TESSERA_CONSOLE_DIR, or web/dist in the package this file belongs to. */
export function consoleDir(): string {
  if (process.env.TESSERA_CONSOLE_DIR) return resolve(process.env.TESSERA_CONSOLE_DIR);
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, "package.json"))) return join(dir, "web", "dist");
    dir = dirname(dir);
  }
  return resolve("web", "dist");
}

const notBuilt = (dir: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Tessera console — not built</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#1f2937}
code{background:#f3f4f6;padding:.1rem .3rem;border-radius:4px}</style></head>
<body><h1>The Tessera console has not been built</h1>
<p>The server is running and its API answers (see <a href="/openapi.json">/openapi.json</a>), but the web
console's files are not in <code>${dir.replace(/[<>&]/g, "")}</code>.</p>
<p>Build them with <code>npm run build:web</code> (or start with <code>npm start</code>, which builds them), then reload.</p>
</body></html>`;

/** API and machine paths: never answered with the app's page. */
const apiPath = /^\/(?:v1\/|openapi\.json|health)/;

export async function registerConsole(
  app: FastifyInstance,
  _ctx: { store: Store; keys: KeyRing },
): Promise<void> {
  const dir = consoleDir();
  const built = existsSync(join(dir, "index.html"));
  if (built)
    await app.register(fastifyStatic, {
      root: dir,
      prefix: "/",
      index: ["index.html"],
      wildcard: true,
      setHeaders: (res, path) => {
        // Vite names assets by content hash: they never change; the page itself must be re-read.
        res.setHeader(
          "cache-control",
          path.includes(`${join("dist", "assets")}`) ? "public, max-age=31536000, immutable" : "no-cache",
        );
      },
    });
  else
    app.get("/", { schema: { hide: true } }, async (_request, reply) =>
      reply.code(503).type("text/html; charset=utf-8").send(notBuilt(dir)),
    );

  app.setNotFoundHandler(async (request, reply) => {
    const path = request.url.split("?")[0] ?? "/";
    const wantsPage =
      request.method === "GET" &&
      !apiPath.test(path) &&
      !/\.[a-z0-9]+$/i.test(path) &&
      (request.headers.accept ?? "").includes("text/html");
    if (wantsPage) {
      if (built) return reply.header("cache-control", "no-cache").sendFile("index.html");
      return reply.code(503).type("text/html; charset=utf-8").send(notBuilt(dir));
    }
    return reply
      .code(404)
      .send({ error: "not found", message: `${request.method} ${path} is not a route of this server` });
  });
}
