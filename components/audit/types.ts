// Shapes of /api/v1/audit answers (see lib/audit/queries.ts and the AuditEvent model).

export interface AuditEventRow {
  id: string;
  time: string;
  orgId: string;
  serverId: string;
  grantId: string | null;
  sessionId: string | null;
  requestId: string | null;
  method: string;
  tool: string | null;
  /** A multiplexed tool's operation (the value of its operation argument); null for other tools. */
  operation: string | null;
  decision: string;
  rulePointer: string | null;
  message: string | null;
  policyVersion: number | null;
  argKeys: string[];
  args: unknown;
  latencyMs: number | null;
  upstreamStatus: number | null;
  approvalId: string | null;
}

export interface AuditPage {
  items: AuditEventRow[];
  nextCursor: string | null;
}

export interface AdminLogRow {
  id: string;
  orgId: string;
  actorType: string;
  actorId: string | null;
  actorLabel: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  details: unknown;
  createdAt: string;
}

/** Names for the ids in events: servers and grants of the organization. */
export interface Names {
  server(id: string): string;
  grant(id: string | null): string | null;
  /** Whether the grant has its own policy (its rules are not on the server's policy page). */
  ownPolicy(grantId: string | null): boolean;
}
