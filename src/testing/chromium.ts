import { existsSync } from "node:fs";

/**
 * For browser tests: Debian's Chromium (never a downloaded browser) and the flags it needs here — headless, as
 * root without a sandbox, and without the background connections this machine's closed network refuses.
 */
export const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export const chromiumArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export const hasChromium = existsSync(chromiumPath);
