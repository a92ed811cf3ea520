import type { Db } from "../db/client";
import { ApiError } from "../api/errors";
import { validatePolicy, type KnownTools, type PolicyDocument, type ValidationResult } from "../../gateway/policy";

// Policies are validated where they enter: published, simulated, replayed, given to a grant. A
// policy of a server is validated with that server's tools (the inventory's input schemas), so
// an `operations` name its tool does not declare is refused with its path.

/** The document that passed, or the 400 carrying every error (the first one in the message). */
export function validOrThrow(result: ValidationResult): PolicyDocument {
  if (result.ok) return result.policy;
  const [first] = result.errors;
  throw new ApiError("validation_failed", `the policy is invalid: ${first.path || "/"}: ${first.message}`, { errors: result.errors });
}

/** The server's current tools by name, with the input schemas validation reads. */
export async function inventoryTools(db: Db, serverId: string): Promise<KnownTools> {
  const rows = await db.tool.findMany({ where: { serverId, removedAt: null }, select: { name: true, inputSchema: true } });
  return new Map(rows.map((t) => [t.name, { inputSchema: (t.inputSchema ?? undefined) as Record<string, unknown> | undefined }]));
}

/** Validates a policy that governs this server's tools; the 400 when it is invalid. */
export async function validateForServer(db: Db, serverId: string, document: unknown): Promise<PolicyDocument> {
  return validOrThrow(validatePolicy(document, { tools: await inventoryTools(db, serverId) }));
}
