import { z } from "zod";
import { RISK_CATEGORIES, RISK_LEVELS, APPROVAL_MODES, LIMIT_SCOPES, LIMIT_WINDOWS } from "../../gateway/policy";
import { ROLES } from "../auth/permissions";

/**
 * Response bodies of /api/v1, written by hand where the routes return Prisma rows (with the
 * `select` each route uses) or objects built in lib/. They are zod schemas so that the OpenAPI
 * document and the CLI share one definition; tests/integration/openapi.test.ts checks real
 * responses against them, so a field added to a `select` without being documented fails there.
 *
 * Dates are ISO strings on the wire (Response.json serialises Date with toISOString).
 */

const dateTime = z.iso.datetime();
const nullableDate = dateTime.nullable();
const json = z.unknown().describe("any JSON value");
const role = z.enum(ROLES);
const cursor = z.string().nullable().describe("pass as `cursor` to get the next page; null on the last page");
/** Every list answers one envelope: a page of items and the cursor of the next page. */
const pageOf = <T extends z.ZodType>(item: T, order: string) => z.object({ items: z.array(item).describe(order), nextCursor: cursor });

export const ApprovalDecider = z.object({
  type: z.enum(["user", "api_key", "unknown"]).describe("a member, or an API key"),
  id: z.string(),
  name: z.string().nullable().describe("the member's name, or the key's name"),
  email: z.string().nullable().describe("the member's email; null for keys"),
});

export const ErrorBody = z
  .object({
    error: z.object({
      code: z
        .enum(["bad_request", "invalid_json", "validation_failed", "unauthorized", "forbidden", "not_found", "conflict", "rate_limited", "unsupported_media_type", "upstream_error", "internal"])
        .describe("stable, machine-readable"),
      message: z.string().describe("one line for people: lowercase, no final period"),
      details: z
        .object({
          fields: z.record(z.string(), z.string()).optional().describe("request field (dotted path) → message, for `validation_failed`"),
          errors: z
            .array(z.object({ path: z.string().describe("JSON pointer into the policy document"), message: z.string(), line: z.number().int().optional(), column: z.number().int().optional() }))
            .optional()
            .describe("every error of an invalid policy document"),
          kind: z.enum(["dns", "refused", "tls", "unauthorized", "not_mcp", "timeout", "other"]).optional().describe("why an upstream could not be reached (`upstream_error`)"),
          status: z.string().optional().describe("a decided approval request's status (`conflict`)"),
          decidedBy: ApprovalDecider.nullable().optional().describe("who decided the approval request first (`conflict`)"),
        })
        .optional(),
    }),
  })
  .describe("Every error: `{error:{code,message,details?}}`");

export const OrganizationRef = z.object({ id: z.string(), name: z.string() });

export const SignupResponse = z.object({
  user: z.object({ id: z.string(), email: z.string(), name: z.string().nullable() }),
  organization: OrganizationRef,
});

export const ApiKey = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string().describe("the first characters of the key, to recognise it"),
  role: role.describe("the key acts as a member with this role"),
  lastUsedAt: nullableDate,
  revokedAt: nullableDate,
  createdAt: dateTime,
});
export const ApiKeyPage = pageOf(ApiKey, "newest first");
export const CreatedApiKey = ApiKey.extend({ key: z.string().describe("the secret `tgk_…` key: shown this once, never stored") });

export const Member = z.object({
  id: z.string().describe("membership id (`mem_…`)"),
  role,
  createdAt: dateTime,
  user: z.object({ id: z.string(), email: z.string(), name: z.string().nullable() }),
});
export const MemberPage = pageOf(Member, "oldest first");
export const MemberRoleChanged = z.object({ member: z.object({ id: z.string(), role }) });

export const Invitation = z.object({ id: z.string(), email: z.string(), role, expiresAt: dateTime, createdAt: dateTime });
export const InvitationPage = pageOf(Invitation, "newest first");
export const CreatedInvitation = z.object({
  invitation: Invitation.omit({ createdAt: true }),
  url: z.string().describe("the invitation link (its secret is shown this once)"),
  mailed: z.boolean().describe("whether an email was sent (SMTP configured)"),
});
export const JoinedOrganization = z.object({ organization: OrganizationRef });

export const OrganizationPage = pageOf(OrganizationRef.extend({ role }), "in the order the caller joined them");
export const CurrentOrganization = z.object({ organization: OrganizationRef, role });
export const RenamedOrganization = z.object({ organization: OrganizationRef });

const transport = z.enum(["auto", "streamable_http", "sse", "stdio", "connector"]);

export const ConnectorStatus = z.object({
  online: z.boolean().describe("a connector is connected to this replica"),
  lastSeenAt: nullableDate.describe("its last heartbeat"),
  command: z.string().nullable().describe("the command line it runs, as it reported it"),
  hostname: z.string().nullable().describe("the machine it runs on"),
});

export const Server = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(["url", "command", "connector"]).describe("how the gateway reaches it: an HTTP URL, a command run over stdio by Toolgate, or a connector"),
  url: z.string().nullable(),
  transport,
  headerNames: z.array(z.string()).describe("names of the stored upstream headers; their values are never returned"),
  policyId: z.string().nullable().describe("the server's policy, enforced for grants without their own"),
  reviewChangedTools: z.boolean().describe("new or changed tools found by a sync are denied until reviewed"),
  lastSyncAt: nullableDate,
  lastSyncError: z.string().nullable(),
  command: z.string().nullable().describe("command servers: the executable"),
  args: z.array(z.string()).describe("command servers: its arguments"),
  cwd: z.string().nullable().describe("command servers: the working directory"),
  envNames: z.array(z.string()).describe("names of the process's environment variables; their values are never returned"),
  processMode: z.enum(["session", "shared"]).describe("one process per client session, or one shared by all"),
  idleTimeoutSeconds: z.number().int().describe("a process idle this long is stopped"),
  maxProcesses: z.number().int().describe("at most this many processes of this server at once"),
  connectorSeenAt: nullableDate.describe("connector servers: the last heartbeat recorded"),
  connector: ConnectorStatus.nullable().describe("connector servers: whether one is online; null for other kinds"),
  createdAt: dateTime,
  updatedAt: dateTime,
});
export const ServerEnvelope = z.object({ server: Server });
export const ServerListItem = Server.extend({
  _count: z.object({ tools: z.number().int().describe("tools currently listed"), grants: z.number().int().describe("active grants") }),
});
export const ServerPage = pageOf(ServerListItem, "by id");

export const SyncResult = z.object({
  transport: z.enum(["streamable_http", "sse"]).describe("the transport the upstream answered on"),
  serverInfo: z.object({ name: z.string().optional(), version: z.string().optional() }),
  total: z.number().int(),
  added: z.array(z.string()),
  changed: z.array(z.string()),
  removed: z.array(z.string()),
});
export const CreatedServer = z.object({
  server: Server,
  sync: z
    .union([
      SyncResult.extend({ ok: z.literal(true) }),
      z.object({ ok: z.literal(false), error: z.object({ code: z.string(), message: z.string(), details: json.optional() }) }),
      z.null(),
    ])
    .describe("the first tool listing, or why it failed (the server is saved either way); null with `sync: false` and for connector servers (listed when their connector dials in)"),
  connectorKey: z
    .object({ id: z.string(), prefix: z.string(), secret: z.string().describe("`tgc_…`: shown this once, give it to `toolgate connect --key`") })
    .optional()
    .describe("connector servers: their first key"),
});

export const ServerKinds = z.object({
  url: z.object({ enabled: z.boolean() }),
  command: z.object({
    enabled: z.boolean().describe("false unless the operator set TOOLGATE_STDIO"),
    mode: z.enum(["off", "allowlist", "on"]),
    allowlist: z.array(z.string()).describe("with mode allowlist: the executables allowed"),
  }),
  connector: z.object({ enabled: z.boolean() }),
});

export const ServerProcessList = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      pid: z.number().int().nullable(),
      mode: z.enum(["session", "shared"]),
      sessions: z.number().int().describe("client sessions attached"),
      startedAt: dateTime,
      lastActiveAt: dateTime,
    }),
  ).describe("running on the replica that answered"),
});

export const ServerLogPage = z.object({
  items: z.array(
    z.object({
      seq: z.number().int(),
      time: dateTime,
      pid: z.number().int().nullable(),
      stream: z.enum(["stderr", "stdout", "event"]).describe("stderr, a stray stdout line, or a lifecycle event (started, exited, stopped)"),
      text: z.string(),
    }),
  ).describe("oldest first"),
  next: z.number().int().describe("pass as `after` to get only newer lines"),
});

export const ConnectorKey = z.object({ id: z.string(), prefix: z.string(), createdAt: dateTime, lastUsedAt: nullableDate, revokedAt: nullableDate });
export const ConnectorKeyList = z.object({ items: z.array(ConnectorKey).describe("newest first") });
export const CreatedConnectorKey = z.object({ key: ConnectorKey, secret: z.string().describe("`tgc_…`: shown this once") });

const RecommendedOperationRule = z.object({
  action: z.enum(["allow", "deny", "require_approval"]).optional(),
  limits: z.array(z.object({ counter: z.string(), window: z.enum(LIMIT_WINDOWS), max: z.number().int(), scope: z.literal("grant") })).optional(),
  validate_input: z.boolean().optional(),
  on_deny: z.string().optional(),
});
const RecommendedRule = RecommendedOperationRule.extend({
  operation_argument: z.string().optional().describe("multiplexed tools: the argument naming the operation, when not `operation`"),
  operations: z.record(z.string(), RecommendedOperationRule).optional().describe("multiplexed tools: a rule per operation; unlisted ones follow the tool's own fields (denied)"),
});

const OperationsBreakdown = z
  .object({
    argument: z.string().describe("the argument that selects the operation"),
    source: z.enum(["enum", "description"]).describe("where the operations were read: the argument's enum, or a list in its description"),
    items: z.array(z.object({ name: z.string(), category: z.enum(RISK_CATEGORIES), level: z.enum(RISK_LEVELS), reasons: z.array(z.string()) })),
  })
  .nullable()
  .describe("multiplexed tools (one tool, many operations chosen by an argument): each operation's own rating; null for other tools");

export const Tool = z.object({
  name: z.string(),
  title: z.string().nullable(),
  description: z.string().nullable(),
  inputSchema: json.describe("the tool's JSON Schema, as the upstream lists it"),
  outputSchema: json,
  annotations: json.describe("MCP annotations (untrusted hints from the upstream)"),
  risk: z.object({ category: z.enum(RISK_CATEGORIES), level: z.enum(RISK_LEVELS), reasons: z.array(z.string()) }),
  recommended: z.object({
    lane: z.enum(["allow", "rate_limit", "require_approval", "deny"]),
    rule: RecommendedRule.describe("the rule `Apply recommended policy` writes under `tools.<name>`"),
    why: z.string(),
  }),
  definitionHash: z.string().describe("SHA-256 of the canonical definition"),
  firstSeenAt: dateTime,
  changedAt: nullableDate,
  removedAt: nullableDate,
  pendingReview: z.boolean().describe("new or changed since the baseline and not reviewed: denied by the gateway"),
  previousDefinition: json.describe("the definition before the last change, for a diff; null when unchanged"),
  operations: OperationsBreakdown,
});
export const ToolPage = pageOf(Tool, "by name");
export const ToolsReviewed = z.object({ reviewed: z.number().int().describe("tools marked reviewed") });

export const PolicyDocumentRef = z.unknown().describe("a policy document (see PolicyDocument)");

export const ServerPolicy = z.object({
  policyId: z.string().nullable(),
  name: z.string().nullable(),
  version: z.number().int().nullable().describe("the published version; null when nothing is published"),
  document: PolicyDocumentRef.nullable(),
  publishedAt: nullableDate,
  message: z.string().nullable(),
});
export const PublishedPolicy = z.object({ policyId: z.string(), version: z.number().int() });
export const PolicyVersionAuthor = z
  .object({
    type: z.enum(["user", "api_key", "system"]),
    id: z.string().nullable().describe("the user (`usr_…`) or API key (`key_…`)"),
    name: z.string().nullable().describe("the person's name, or `API key <prefix>` for a key"),
    email: z.string().nullable().describe("the person's email; null for keys"),
  })
  .describe("who published the version");
export const PolicyVersion = z.object({
  version: z.number().int(),
  message: z.string().nullable(),
  createdById: z.string().nullable().describe("the user who published it; null for API keys (see `author`)"),
  createdAt: dateTime.describe("when it was published"),
  author: PolicyVersionAuthor.nullable(),
  document: PolicyDocumentRef,
});
export const PolicyVersionPage = pageOf(PolicyVersion, "newest first");
export const RecommendedPolicy = z.object({ document: PolicyDocumentRef });
const SavedPolicyDraft = z.object({
  text: z.string().describe("the editor's text, possibly invalid JSON"),
  baseVersion: z.number().int().nullable().describe("the published version the edit started from; null: none"),
  updatedAt: dateTime,
});
export const PolicyDraftAnswer = z.object({ draft: SavedPolicyDraft.nullable().describe("null when the caller has no draft") });

export const SimulationResult = z.object({
  effect: z.enum(["allow", "deny", "hide", "require_approval", "rate_limited"]),
  rule: z.string().nullable().describe("JSON pointer to the deciding field, e.g. `/tools/delete_file/action` or `/default`"),
  message: z.string().describe("what the agent would be told"),
  reason: z.string().describe("the technical reason, as the audit log keeps it"),
  limits: z.array(
    z.object({ counter: z.string(), window: z.enum(LIMIT_WINDOWS), max: z.number(), scope: z.enum(LIMIT_SCOPES), cost: z.number(), rule: z.string() }),
  ),
  approval: z
    .object({
      timeoutSeconds: z.number().int(),
      mode: z.enum(APPROVAL_MODES),
      holdSeconds: z.number().int().describe("hold mode: how long the call is kept open"),
      approvers: z.array(z.string()).describe("emails of people who may decide besides admins and policy managers (lower case)"),
    })
    .nullable(),
  knownTool: z.boolean().describe("whether the server lists this tool (its risk category was used)"),
  pendingReview: z.boolean().describe("the tool is new or changed and not reviewed yet: the gateway denies it whatever the policy says"),
});

const replayCounts = {
  calls: z.number().int().describe("calls of the period (the grant's, with a grant filter)"),
  unchanged: z.number().int(),
  newlyDenied: z.number().int(),
  newlyHidden: z.number().int(),
  newlyRateLimited: z.number().int(),
  newlyRequiringApproval: z.number().int(),
  newlyAllowed: z.number().int(),
  undetermined: z.number().int().describe("the outcome depends on argument values the audit did not keep"),
};
const replayOutcome = z.object({ effect: z.string(), rule: z.string().nullable(), message: z.string().nullable() });
export const ReplayResult = z.object({
  period: z.object({ from: dateTime, to: dateTime, days: z.number().int() }),
  countedFrom: dateTime.describe("where counting starts: `period.from`, or later when the period held more than `maxEvents` calls (`capped`)"),
  grantId: z.string().nullable(),
  publishedVersion: z.number().int().nullable(),
  totals: z.object({ ...replayCounts, changed: z.number().int().describe("newly denied, hidden, rate limited, requiring approval or allowed") }),
  byTool: z.array(z.object({ tool: z.string(), ...replayCounts })).describe("most changed first; at most 200"),
  byGrant: z.array(z.object({ grantId: z.string().nullable(), label: z.string().nullable(), ...replayCounts })).describe("most changed first; at most 200"),
  otherRows: z.object({ tools: z.number().int(), grants: z.number().int() }).describe("rows left out of byTool and byGrant"),
  samples: z
    .array(
      z.object({
        id: z.string(),
        time: dateTime,
        tool: z.string(),
        grantId: z.string().nullable(),
        grantLabel: z.string().nullable(),
        change: z.enum(["newly_denied", "newly_hidden", "newly_rate_limited", "newly_requiring_approval", "newly_allowed", "undetermined"]),
        before: replayOutcome.describe("what the gateway decided at the time"),
        after: replayOutcome.describe("what the draft decides"),
        otherwise: replayOutcome.optional().describe("undetermined calls: the outcome if the arguments fail the draft's argument checks"),
        argsNotRecorded: z.boolean(),
      }),
    )
    .describe("changed calls, newest first: at most two per change, tool and grant, 200 in all"),
  argsNotRecorded: z.number().int().describe("calls whose argument values were not recorded (only their names)"),
  skipped: z.object({
    ownPolicy: z.number().int().describe("calls of grants with their own policy"),
    outsidePolicy: z.number().int().describe("calls denied outside any policy: a tool pending review, a store unavailable"),
  }),
  olderVersion: z.number().int().describe("calls decided by another version than the published one"),
  warmupEvents: z.number().int().describe("calls before the period replayed only to fill counters (since 00:00 UTC of its first day)"),
  capped: z.boolean(),
  maxEvents: z.number().int(),
  eventsRead: z.number().int(),
  durationMs: z.number().int(),
});

export const CreatedGrant = z.object({
  id: z.string(),
  label: z.string(),
  serverId: z.string(),
  policyId: z.string().nullable(),
  tokenPrefix: z.string(),
  createdAt: dateTime,
  token: z.string().describe("the `tgg_…` bearer token for the agent: shown this once, never stored"),
  gatewayUrl: z.string().describe("the MCP URL agents connect to"),
});
export const Grant = z.object({
  id: z.string(),
  label: z.string(),
  serverId: z.string(),
  serverName: z.string(),
  policyId: z.string().nullable().describe("the grant's own policy; null when the server's applies"),
  tokenPrefix: z.string(),
  metadata: json,
  createdAt: dateTime,
  revokedAt: nullableDate,
  lastUsedAt: nullableDate.describe("time of the grant's latest audited call"),
  calls24h: z.number().int(),
  denied24h: z.number().int().describe("calls in the last 24 h not allowed"),
});
export const GrantPage = pageOf(Grant, "newest first");
export const GrantPolicySet = z.object({ id: z.string(), policyId: z.string().nullable() });

export const AuditEvent = z.object({
  id: z.string().describe("time-sortable event id"),
  time: dateTime,
  orgId: z.string(),
  serverId: z.string(),
  grantId: z.string().nullable(),
  sessionId: z.string().nullable().describe("a digest of the MCP session id"),
  requestId: z.string().nullable().describe("the JSON-RPC id of the call"),
  method: z.string().describe("`tools/call`"),
  tool: z.string().nullable(),
  operation: z.string().nullable().describe("the operation of a multiplexed tool's call (the value of its operation argument, at most 256 characters); null for other tools"),
  decision: z.string().describe("allow, deny, hide, require_approval or rate_limited"),
  rulePointer: z.string().nullable().describe("the deciding rule, as a JSON pointer into the policy"),
  message: z.string().nullable(),
  policyVersion: z.number().int().nullable(),
  argKeys: z.array(z.string()).describe("names of the call's arguments"),
  args: json.describe("argument values, only when the organization keeps them; else null"),
  latencyMs: z.number().nullable(),
  upstreamStatus: z.number().int().nullable(),
  approvalId: z.string().nullable(),
});
export const AuditPage = z.object({
  items: z.array(AuditEvent).describe("newest first; with `after`, oldest first"),
  nextCursor: cursor.describe("pass as `cursor` for the next page, null on the last; with `after`, where the last event stands (pass it as `after`), null when nothing newer was there"),
});
export const AuditExport = z.array(AuditEvent);

export const AuditStats = z.object({
  from: dateTime,
  to: dateTime,
  bucket: z.enum(["minute", "hour"]).describe("hour when the range is over 6 hours"),
  series: z.array(z.object({ t: dateTime, decision: z.string(), count: z.number().int() })),
  latency: z.array(z.object({ t: dateTime, p50: z.number().nullable(), p99: z.number().nullable() })),
  topTools: z.array(z.object({ tool: z.string().nullable(), count: z.number().int() })),
  topDeniedRules: z.array(
    z.object({
      rule: z.string().nullable().describe("JSON pointer of the rule in its policy; null for denials no rule made (no policy, tool pending review)"),
      tool: z.string().nullable(),
      serverId: z.string(),
      policyId: z.string().nullable().describe("the policy the rule is in: the grant's own when it has one, else the server's (as they are now)"),
      policyScope: z.enum(["server", "grant"]).nullable().describe("`server`: the rule is on the server's policy page; `grant`: in a grant's own policy"),
      count: z.number().int(),
    }),
  ),
});

export const AdminLogEntry = z.object({
  id: z.string(),
  orgId: z.string(),
  actorType: z.string().describe("user, api_key or system"),
  actorId: z.string().nullable(),
  actorLabel: z.string().nullable(),
  action: z.string().describe("e.g. `server.created`, `policy.published`, `grant.revoked`"),
  targetType: z.string(),
  targetId: z.string().nullable(),
  details: json,
  createdAt: dateTime,
});
export const AdminLogPage = pageOf(AdminLogEntry, "newest first");

export const Approval = z.object({
  id: z.string().describe("`apr_…`; agents are told it, and the page `/approvals/<id>`"),
  status: z.enum(["pending", "approved", "denied", "expired", "used"]).describe("`approved`: usable once until `expiresAt`; `used`: the call ran on it"),
  tool: z.string(),
  args: json.describe("the call's arguments, in full"),
  argsDigest: z.string().describe("SHA-256 (hex) of the canonicalized arguments: the approval holds for exactly these"),
  server: z.object({ id: z.string(), name: z.string() }),
  grant: z.object({ id: z.string(), label: z.string() }).describe("the agent's grant that made the call"),
  risk: z.object({ category: z.string(), level: z.string() }).nullable().describe("the tool's risk from the inventory; null when the tool is not in it"),
  rulePointer: z.string().nullable().describe("the rule that asked for approval (JSON pointer into the policy)"),
  policyVersion: z.number().int().nullable(),
  requestedAt: dateTime,
  expiresAt: dateTime.describe("pending: when the request lapses; approved: until when the call may run on it"),
  decidedAt: nullableDate,
  decidedBy: ApprovalDecider.nullable(),
  comment: z.string().nullable().describe("the approver's comment; a denial's reason, which the agent is told"),
  usedAt: nullableDate,
  auditEventIds: z.array(z.string()).describe("the audit events of the calls linked to this request, oldest first"),
  approvers: z.array(z.string()).describe("emails the rule names in `approval.approvers`: these people may decide this request whatever their role"),
  canDecide: z.boolean().describe("whether the caller may approve or deny it now: it is pending, and their role has `approvals.decide` or the rule names their email"),
});
export const ApprovalPage = pageOf(Approval, "pending first, then newest first");
export const ApprovalCount = z.object({ pending: z.number().int().describe("requests waiting for a decision") });
const ApprovalWebhookSettings = z.object({ url: z.string(), enabled: z.boolean(), createdAt: dateTime, updatedAt: dateTime });
export const WebhookDelivery = z.object({
  id: z.string(),
  deliveryId: z.string().describe("the `X-Toolgate-Delivery` header: the same for each attempt of one event"),
  event: z.enum(["approval.requested", "approval.decided", "test"]),
  approvalId: z.string().nullable(),
  url: z.string(),
  attempt: z.number().int().describe("1 to 5"),
  statusCode: z.number().int().nullable().describe("the receiver's answer; null when it could not be reached"),
  error: z.string().nullable().describe("why the attempt failed; with `statusCode`, null for an attempt scheduled and not made yet"),
  durationMs: z.number().int().nullable(),
  createdAt: dateTime.describe("when the attempt was made (or, scheduled, when it was scheduled: it is made after the backoff wait)"),
});
export const ApprovalWebhookAnswer = z.object({
  webhook: ApprovalWebhookSettings.nullable().describe("null when none is set up"),
  deliveries: z.array(WebhookDelivery).describe("the last 20 attempts, newest first"),
});
export const SavedApprovalWebhook = z.object({
  webhook: ApprovalWebhookSettings,
  secret: z.string().nullable().describe("`whsec_…`, the signing secret: only when the webhook was created by this request, shown this once"),
});
export const WebhookSecret = z.object({ secret: z.string().describe("the new signing secret, shown this once") });
export const WebhookTestResult = z.object({
  attempt: z.number().int(),
  statusCode: z.number().int().nullable(),
  error: z.string().nullable(),
  ok: z.boolean().describe("the receiver answered 2xx"),
});

/** Named response schemas: each becomes `#/components/schemas/<name>`. */
export const RESPONSE_SCHEMAS = {
  Error: ErrorBody,
  SignupResponse,
  ApiKey,
  ApiKeyPage,
  CreatedApiKey,
  Member,
  MemberPage,
  MemberRoleChanged,
  Invitation,
  InvitationPage,
  CreatedInvitation,
  JoinedOrganization,
  OrganizationPage,
  CurrentOrganization,
  RenamedOrganization,
  Server,
  ServerEnvelope,
  ServerListItem,
  ServerPage,
  SyncResult,
  CreatedServer,
  ServerKinds,
  ServerProcessList,
  ServerLogPage,
  ConnectorKeyList,
  CreatedConnectorKey,
  Tool,
  ToolPage,
  ToolsReviewed,
  ServerPolicy,
  PublishedPolicy,
  PolicyVersion,
  PolicyVersionAuthor,
  PolicyVersionPage,
  RecommendedPolicy,
  PolicyDraftAnswer,
  SimulationResult,
  ReplayResult,
  CreatedGrant,
  Grant,
  GrantPage,
  GrantPolicySet,
  AuditEvent,
  AuditPage,
  AuditExport,
  AuditStats,
  AdminLogEntry,
  AdminLogPage,
  ApprovalDecider,
  Approval,
  ApprovalPage,
  ApprovalCount,
  WebhookDelivery,
  ApprovalWebhookAnswer,
  SavedApprovalWebhook,
  WebhookSecret,
  WebhookTestResult,
} as const;
export type ResponseSchemaName = keyof typeof RESPONSE_SCHEMAS;

export type ServerT = z.infer<typeof Server>;
export type ServerListItemT = z.infer<typeof ServerListItem>;
export type CreatedServerT = z.infer<typeof CreatedServer>;
export type SyncResultT = z.infer<typeof SyncResult>;
export type ServerPolicyT = z.infer<typeof ServerPolicy>;
export type PublishedPolicyT = z.infer<typeof PublishedPolicy>;
export type CreatedGrantT = z.infer<typeof CreatedGrant>;
export type GrantT = z.infer<typeof Grant>;
export type GrantPageT = z.infer<typeof GrantPage>;
export type AuditEventT = z.infer<typeof AuditEvent>;
export type AuditPageT = z.infer<typeof AuditPage>;
export type CurrentOrganizationT = z.infer<typeof CurrentOrganization>;
export type ErrorBodyT = z.infer<typeof ErrorBody>;
