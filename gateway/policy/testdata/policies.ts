import { compilePolicy, type CompiledPolicy } from "../compile";
import type { EvaluationContext, ToolCall } from "../context";
import type { Decision } from "../decision";
import { evaluate } from "../evaluate";
import { validatePolicy } from "../validate";

/** Validates and compiles a document, failing the test with the errors when it is invalid. */
export function compile(document: unknown): CompiledPolicy {
  const result = validatePolicy(document);
  if (!result.ok) throw new Error(result.errors.map((error) => `${error.path}: ${error.message}`).join("\n"));
  return compilePolicy(result.policy);
}

export function decide(document: unknown, call: ToolCall, context: EvaluationContext = CONTEXT): Decision {
  return evaluate(compile(document), call, context);
}

/** A context as the gateway supplies it: every field present, no history. */
export const CONTEXT: EvaluationContext = {
  grant: { id: "gnt_1", label: "ci-runner", metadata: { team: "platform" } },
  session: { id: "ses_1", call_count: 0, tool_counts: {}, category_counts: {} },
  server: { id: "srv_1" },
  org: { id: "org_1" },
};

export function withCategory(category: NonNullable<EvaluationContext["tool"]>["category"], context = CONTEXT): EvaluationContext {
  return { ...context, tool: { ...context.tool, category } };
}
