import type { Command } from "commander";

/** Commands for consent, erasure, access, audit and privacy-safe insights. */
export function registerPrivacy(_program: Command): void {}
