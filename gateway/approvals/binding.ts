import { canonicalJson, sha256 } from "../canonical-json";
import { parsePointer } from "../policy/pointer";

// What an approval is bound to. A human approves one exact call: this grant, this server, this
// tool, these arguments, under this rule. The arguments are compared by a digest of their
// canonical JSON (keys sorted at every depth, so {"a":1,"b":2} and {"b":2,"a":1} are the same
// call), and the rule by a digest of the rule's own text in the policy: publishing a new
// version that leaves the rule alone keeps pending and approved requests valid, while a
// changed rule (a new timeout, other conditions) needs a new approval.

/** SHA-256 (hex) of the arguments' canonical JSON. */
export function argsDigest(args: unknown): string {
  return sha256(canonicalJson(args ?? {}));
}

/**
 * SHA-256 of the rule that asked for approval, found from the decision's pointer (e.g.
 * `/tools/refund/action` → the document's `tools.refund`; `/categories/financial/action` →
 * `categories.financial`). "" when the pointer does not lead into the document.
 */
export function ruleDigest(document: unknown, decisionPointer: string | null): string {
  if (!decisionPointer) return "";
  const segments = parsePointer(decisionPointer);
  // The rule is the object two segments down: /tools/<name> or /categories/<category>.
  let node: unknown = document;
  for (const segment of segments.slice(0, 2)) {
    if (node === null || typeof node !== "object") return "";
    node = (node as Record<string, unknown>)[segment];
  }
  return node === undefined ? "" : sha256(`${segments.slice(0, 2).join("/")}\n${canonicalJson(node)}`);
}
