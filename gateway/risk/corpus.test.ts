/**
 * Accuracy on real tool definitions taken from published MCP servers (gateway/risk/corpus), each
 * labelled by hand with the category a security reviewer would give. Files marked `heldOut` were
 * labelled and scored once after the classifier was written, and never used to tune it.
 */

import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { classifyTool } from "./classify-tool";
import { RISK_CATEGORIES, type RiskCategory, type ToolDefinition } from "./types";

interface CorpusEntry extends ToolDefinition {
  expected: RiskCategory;
  source: string;
  note?: string;
}

interface CorpusFile {
  server: string;
  source: string;
  heldOut: boolean;
  tools: CorpusEntry[];
}

const dir = path.join(import.meta.dirname, "corpus");
const files: CorpusFile[] = readdirSync(dir)
  .filter((file) => file.endsWith(".json"))
  .sort()
  .map((file) => JSON.parse(readFileSync(path.join(dir, file), "utf8")) as CorpusFile);

function score(entries: { file: CorpusFile; tool: CorpusEntry }[]) {
  const misses = entries.filter(({ tool }) => classifyTool(tool).category !== tool.expected);
  return { total: entries.length, correct: entries.length - misses.length, misses };
}

const all = files.flatMap((file) => file.tools.map((tool) => ({ file, tool })));
const percent = (s: { correct: number; total: number }) => ((100 * s.correct) / s.total).toFixed(1);

describe("risk classifier corpus", () => {
  it("holds at least 150 real, labelled tool definitions with their source", () => {
    expect(all.length).toBeGreaterThanOrEqual(150);
    for (const { tool } of all) {
      expect(RISK_CATEGORIES).toContain(tool.expected);
      expect(tool.source).toMatch(/^@?[\w./-]+@\d/);
    }
  });

  it("classifies at least 95% of the corpus into the expected category", () => {
    const overall = score(all);
    const heldOut = score(all.filter(({ file }) => file.heldOut));
    const development = score(all.filter(({ file }) => !file.heldOut));
    console.log(
      `risk classifier accuracy: ${overall.correct}/${overall.total} = ${percent(overall)}% ` +
        `(development ${percent(development)}% of ${development.total}, held out ${percent(heldOut)}% of ${heldOut.total})`,
    );
    for (const { file, tool } of overall.misses) {
      console.log(`  miss ${file.server}/${tool.name}: expected ${tool.expected}, got ${classifyTool(tool).category}`);
    }
    expect(overall.correct / overall.total).toBeGreaterThanOrEqual(0.95);
  });
});
