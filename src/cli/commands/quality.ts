import type { Command } from "commander";

export function registerQuality(_program: Command): void {}
