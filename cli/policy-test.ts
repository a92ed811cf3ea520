import {
  compilePolicy,
  evaluate,
  RISK_CATEGORIES,
  type Decision,
  type EvaluationContext,
  type RiskCategory,
  type ToolCall,
} from "../gateway/policy";
import { EXIT_FAILED, EXIT_OK, UsageError, type CliIo } from "./io";
import { formatError, onlyFile, parseStrict, readAndValidate } from "./policy-args";

/** `toolgate policy test FILE --call JSON`: evaluates one call and prints the decision. */

const EFFECTS = ["allow", "deny", "hide", "require_approval"];

export async function policyTestCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseStrict(args, {
    call: { type: "string" },
    "grant-label": { type: "string" },
    "grant-metadata": { type: "string" },
    category: { type: "string" },
    "input-schema": { type: "string" },
    context: { type: "string" },
    expect: { type: "string" },
    json: { type: "boolean" },
  });
  const file = onlyFile(positionals);
  if (values.call === undefined) throw new UsageError("missing `--call '{\"tool\":\"name\",\"args\":{...}}'`");
  const call = parseCall(values.call);
  const context = buildContext(values);
  if (values.expect !== undefined && !EFFECTS.includes(values.expect)) {
    throw new UsageError(`\`--expect\` must be one of ${EFFECTS.map((effect) => `\`${effect}\``).join(", ")}`);
  }
  const validation = readAndValidate(file, io);
  if (!validation.ok) {
    for (const error of validation.errors) io.out(formatError(error));
    io.err(`${file}: invalid policy, nothing evaluated`);
    return EXIT_FAILED;
  }
  const decision = evaluate(compilePolicy(validation.policy), call, context);
  io.out(values.json ? JSON.stringify(decision, null, 2) : describe(decision));
  if (values.expect !== undefined && decision.effect !== values.expect) {
    io.err(`expected \`${values.expect}\`, got \`${decision.effect}\``);
    return EXIT_FAILED;
  }
  return EXIT_OK;
}

function parseJson(flag: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`\`--${flag}\` is not valid json: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function parseCall(text: string): ToolCall {
  const call = parseJson("call", text);
  if (!isObject(call) || typeof call.tool !== "string" || (call.args !== undefined && !isObject(call.args))) {
    throw new UsageError('`--call` must look like {"tool":"name","args":{...}}');
  }
  return { tool: call.tool, args: call.args as Record<string, unknown> | undefined };
}

/** A context like the gateway's, with placeholder ids, so conditions on it can be tried out. */
function buildContext(values: Record<string, string | boolean | undefined>): EvaluationContext {
  const category = values.category as string | undefined;
  if (category !== undefined && !RISK_CATEGORIES.includes(category as RiskCategory)) {
    throw new UsageError(`\`--category\` must be one of ${RISK_CATEGORIES.join(", ")}`);
  }
  const metadata = values["grant-metadata"] === undefined ? {} : parseJson("grant-metadata", values["grant-metadata"] as string);
  const inputSchema = values["input-schema"] === undefined ? undefined : parseJson("input-schema", values["input-schema"] as string);
  if (!isObject(metadata) || (inputSchema !== undefined && !isObject(inputSchema))) {
    throw new UsageError("`--grant-metadata` and `--input-schema` must be json objects");
  }
  const overrides = values.context === undefined ? {} : parseJson("context", values.context as string);
  if (!isObject(overrides)) throw new UsageError("`--context` must be a json object");
  return {
    grant: { id: "gnt_cli", label: (values["grant-label"] as string | undefined) ?? "cli", metadata },
    session: { id: "ses_cli", call_count: 0, tool_counts: {}, category_counts: {} },
    server: { id: "srv_cli" },
    org: { id: "org_cli" },
    tool: { category: category as RiskCategory | undefined, inputSchema },
    ...overrides,
  };
}

function describe(decision: Decision): string {
  const lines = [`effect:  ${decision.effect}`, `rule:    ${decision.rule ?? "none"}`, `message: ${decision.message}`];
  if (decision.reason !== decision.message) lines.push(`reason:  ${decision.reason}`);
  if (decision.approval !== undefined) {
    lines.push(`approval: mode ${decision.approval.mode}, expires after ${decision.approval.timeoutSeconds} s`);
  }
  if (decision.limits.length === 0) lines.push("limits:  none");
  else {
    lines.push("limits:");
    for (const limit of decision.limits) {
      lines.push(`  - ${limit.counter}: ${limit.max} per ${limit.window} per ${limit.scope}, cost ${limit.cost} (rule ${limit.rule})`);
    }
  }
  return lines.join("\n");
}
