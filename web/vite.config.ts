import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

/**
 * The web console's build: `npm run build:web` writes web/dist, which `tessera serve` serves at `/`. In
 * development (`npm run dev:web`) Vite serves the app and passes the API through to a running server.
 */
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "/",
  plugins: [react()],
  build: { outDir: "dist", emptyOutDir: true, chunkSizeWarningLimit: 800 },
  server: {
    proxy: {
      "/v1": process.env.TESSERA_URL ?? "http://127.0.0.1:8080",
      "/openapi.json": process.env.TESSERA_URL ?? "http://127.0.0.1:8080",
    },
  },
});
