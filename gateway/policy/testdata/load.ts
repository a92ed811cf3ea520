import { readFileSync } from "node:fs";
import path from "node:path";

/**
 * Reads a corpus file with JSON.parse (not a JSON import): the corpus holds a tool named
 * `__proto__`, which a module transform could turn into a prototype.
 */
export function loadCorpus<T>(name: string): T {
  return JSON.parse(readFileSync(path.join(import.meta.dirname, name), "utf8")) as T;
}

export interface ValidCase {
  name: string;
  document: unknown;
}

export interface InvalidCase {
  name: string;
  document: unknown;
  errors: { path: string; message: string }[];
}
