import type { Command } from "commander";

/** Commands for computed traits, segments, micro-segments, the message ledger and frequency decisions. */
export function registerAudiences(_program: Command): void {}
