import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { issue } from "../model/issue.js";
import { type CompiledMapping, compileMapping, MappingError } from "./compile-mapping.js";

/** Reads a mapping from a `.json`, `.yaml` or `.yml` file and compiles it; errors name the file. */
export function loadMapping(path: string): CompiledMapping {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new MappingError([issue("mapping_unreadable", (error as Error).message, undefined, "error")], path);
  }
  let data: unknown;
  try {
    data = /\.ya?ml$/i.test(path) ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    throw new MappingError([issue("mapping_syntax", (error as Error).message, undefined, "error")], path);
  }
  return compileMapping(data, path);
}
