#!/usr/bin/env node
import { Command } from "commander";
import { MappingError } from "../mapping/compile-mapping.js";
import { isSourceError } from "../sources/errors.js";
import { registerAttribution } from "./commands/attribution.js";
import { registerAudiences } from "./commands/audiences.js";
import { registerDemo } from "./commands/demo.js";
import { registerExport } from "./commands/export.js";
import { registerGenerate } from "./commands/generate.js";
import { registerHouseholds } from "./commands/households.js";
import { registerImport } from "./commands/import.js";
import { registerInspect } from "./commands/inspect.js";
import { registerMaster } from "./commands/master.js";
import { registerMerge } from "./commands/merge.js";
import { registerPredict } from "./commands/predict.js";
import { registerPrivacy } from "./commands/privacy.js";
import { registerProfiles } from "./commands/profiles.js";
import { registerQuality } from "./commands/quality.js";
import { registerExplain, registerModelReport, registerResolve } from "./commands/resolve.js";
import { registerReview } from "./commands/review.js";
import { registerServe } from "./commands/serve.js";
import { registerSources } from "./commands/sources.js";
import { registerSplit } from "./commands/split.js";

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
registerResolve(program);
registerExplain(program);
registerModelReport(program);
registerMaster(program);
registerProfiles(program);
registerReview(program);
registerMerge(program);
registerSplit(program);
registerExport(program);
registerServe(program);
registerQuality(program);
registerHouseholds(program);
registerPredict(program);
registerAudiences(program);
registerAttribution(program);
registerPrivacy(program);

try {
  await program.parseAsync();
} catch (error) {
  // A problem is said in a sentence; the stack trace only when asked for (TESSERA_DEBUG=1) or when the
  // error is not one of ours and not an Error at all.
  const known = error instanceof MappingError || isSourceError(error);
  if (process.env.TESSERA_DEBUG || !(error instanceof Error)) console.error(error);
  else
    console.error(
      known ? error.message : `${error.name === "Error" ? "error" : error.name}: ${error.message}`,
    );
  process.exitCode = 1;
}
