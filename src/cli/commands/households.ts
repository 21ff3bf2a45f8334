import type { Command } from "commander";

export function registerHouseholds(_program: Command): void {}
