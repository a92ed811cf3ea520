/**
 * Classifies an MCP tool by risk from its definition alone: deterministic, no I/O, linear in the
 * (capped) size of the name, first description sentence and property list.
 */

import { decideRisk } from "./decide";
import { recommendRule } from "./recommend";
import { readSignals } from "./signals";
import type { RiskClassification, ToolDefinition } from "./types";

export function classifyTool(tool: ToolDefinition): RiskClassification {
  const signals = readSignals(tool);
  const { category, level, reasons } = decideRisk(signals);
  const recommended = recommendRule(String(tool.name ?? ""), category, level, signals);
  return { category, level, reasons, signals, recommended };
}
