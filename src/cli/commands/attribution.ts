import type { Command } from "commander";

/** Commands for multi-touch attribution, uplift and channel decisions. */
export function registerAttribution(_program: Command): void {}
