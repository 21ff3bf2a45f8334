import type { Command } from "commander";

export function registerPredict(_program: Command): void {}
