import { changedFields, type ToolDefinition } from "../../gateway/inventory/definition";

// Said to an agent that calls a tool waiting for review, by the gateway and by the simulator alike.

/** Since when a tool waits for review, and what changed: told to the agent that calls it. */
export function pendingDetails(r: { name: string; title: unknown; description: unknown; inputSchema: unknown; outputSchema: unknown; annotations: unknown; firstSeenAt: Date; changedAt: Date | null; previousDefinition: unknown }) {
  const previous = r.previousDefinition as ToolDefinition | null;
  if (r.changedAt === null || previous === null) return { pendingSince: r.firstSeenAt.toISOString(), pendingChange: "it is new" };
  const fields = changedFields(previous, r);
  return { pendingSince: r.changedAt.toISOString(), pendingChange: fields.length ? `its ${fields.join(", ")} changed` : "its definition changed" };
}
