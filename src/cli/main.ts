#!/usr/bin/env node
import { Command } from "commander";
import { MappingError } from "../mapping/compile-mapping.js";
import { isSourceError } from "../sources/errors.js";
import { registerDemo } from "./commands/demo.js";
import { registerGenerate } from "./commands/generate.js";
import { registerImport } from "./commands/import.js";
import { registerInspect } from "./commands/inspect.js";
import { registerSources } from "./commands/sources.js";

const program = new Command()
  .name("tessera")
  .description("Tessera: golden customer profiles from every channel")
  .version("0.1.0")
  .option("--db <file>", "SQLite file (default: $TESSERA_DB or tessera.db)")
  .option("--database-url <url>", "PostgreSQL connection string (default: $DATABASE_URL)")
  .showHelpAfterError();

registerDemo(program);
registerGenerate(program);
registerImport(program);
registerSources(program);
registerInspect(program);

try {
  await program.parseAsync();
} catch (error) {
  // A problem the user can fix is said in a sentence, not a stack trace.
  const known = error instanceof MappingError || isSourceError(error);
  console.error(known ? (error as Error).message : error);
  process.exitCode = 1;
}
