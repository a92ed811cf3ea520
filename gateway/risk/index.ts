/** Tool risk classification; see decide.ts for the rules and recommend.ts for the advice. */

export { classifyTool } from "./classify-tool";
export {
  RISK_CATEGORIES,
  RISK_LEVELS,
  type RecommendedLane,
  type RecommendedRule,
  type RiskCategory,
  type RiskClassification,
  type RiskLevel,
  type RiskSignals,
  type ToolAnnotations,
  type ToolDefinition,
  type VerbMatch,
} from "./types";
