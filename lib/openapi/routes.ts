import type { z } from "zod";
import type { Permission } from "../auth/permissions";
import { signupSchema } from "../validation/auth";
import { acceptInvitationSchema, changeRoleSchema, createApiKeySchema, createInvitationSchema, createOrgSchema, renameOrgSchema, switchOrgSchema } from "../validation/org";
import { createGrantSchema, createServerSchema, grantPolicySchema, putPolicySchema, reviewToolsSchema, serverLogsQuery, simulateSchema, updateServerSchema } from "../validation/servers";
import { listGrantsQuery, listNewestFirstQuery, listOldestFirstQuery, listServersQuery, listToolsQuery, listVersionsQuery } from "../validation/lists";
import { auditFilterSchema, auditListQuery } from "../validation/audit";
import { savePolicyDraftSchema } from "../validation/policy-drafts";
import { replaySchema } from "../validation/replay";
import { approvalWebhookSchema, approveApprovalSchema, denyApprovalSchema, listApprovalsQuery } from "../validation/approvals";
import type { ResponseSchemaName } from "./schemas";

/**
 * Every /api/v1 route, described once: the OpenAPI document (document.ts), the docs page
 * (/docs/api) and docs/api.md are built from this list. Request bodies and query strings are the
 * zod schemas the route handlers parse with; responses are the hand-written schemas of
 * schemas.ts. tests/integration/openapi.test.ts fails when a route file has no entry here.
 */

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export type RouteAuth =
  | { kind: "public" }
  /** Any signed-in person or API key; `sessionOnly` routes answer 403 to API keys. */
  | { kind: "user"; sessionOnly?: boolean }
  /** A member of the organization (or a key of it) whose role grants `permission`. */
  | { kind: "org"; permission: Permission; allowBasic?: boolean };

/** A JSON Schema fragment merged over (or replacing, with `$ref`) a generated property. */
export type SchemaPatch = Record<string, unknown>;

export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 415 | 429 | 502;

export type ResponseName = ResponseSchemaName | "PolicyDocument" | "OpenApiDocument";

export interface ResponseDoc {
  description: string;
  /** A named schema of schemas.ts, `PolicyDocument`, several (any of them), or none (204). */
  schema?: ResponseName | ResponseName[];
  /** Other representations of the same response, by media type (e.g. CSV exports). */
  alternatives?: Record<string, { description: string; schema: Record<string, unknown> }>;
  headers?: Record<string, string>;
}

export interface RouteDoc {
  method: HttpMethod;
  /** OpenAPI form: `/api/v1/servers/{id}`. */
  path: string;
  operationId: string;
  tag: Tag;
  summary: string;
  description?: string;
  auth: RouteAuth;
  /** What a path parameter names, e.g. `{ id: "server id (srv_…)" }`. */
  params?: Record<string, string>;
  query?: z.ZodObject;
  /** Descriptions of query parameters the zod schema does not carry. */
  queryDocs?: Record<string, string>;
  body?: { schema: z.ZodType; name: string; fields?: Record<string, SchemaPatch>; example?: unknown };
  responses: Partial<Record<200 | 201 | 204, ResponseDoc>>;
  /** Errors beyond the ones the route's shape implies (see impliedErrors), and notes on any of them. */
  errors?: Partial<Record<ErrorStatus, string>>;
}

export const TAGS = {
  Account: "Sign-up, organizations and the caller's role",
  Members: "Members, invitations and API keys",
  Servers: "Upstream MCP servers and their tool inventory",
  Policies: "The server's policy: read, publish, versions, simulate, replay",
  Grants: "Bearer tokens agents use at the gateway",
  Audit: "The decision log and the admin log",
  Approvals: "Tool calls waiting for a person: the inbox, decisions, the webhook",
  Meta: "This document",
} as const;
export type Tag = keyof typeof TAGS;

const POLICY_REF: SchemaPatch = { $ref: "#/components/schemas/PolicyDocument" };
const SERVER_ID = { id: "server id (`srv_…`)" };
const GRANT_ID = { id: "grant id (`gnt_…`)" };
const APPROVAL_ID = { id: "approval request id (`apr_…`)" };
const PAGINATION_DOCS = { limit: "page size (1–1000)", cursor: "the `nextCursor` of the previous page" };

export const ROUTES: RouteDoc[] = [
  // ── Account ──────────────────────────────────────────────────────────────
  {
    method: "POST",
    path: "/api/v1/signup",
    operationId: "signUp",
    tag: "Account",
    summary: "Create an account",
    description:
      "Creates a person and, without an invitation, an organization of their own with them as admin. Then create an API key with HTTP Basic (POST /api-keys). Sign-ups are capped at 30 per 15 minutes per client address.",
    auth: { kind: "public" },
    body: {
      schema: signupSchema,
      name: "SignupRequest",
      fields: { email: { format: "email" }, inviteToken: { description: "the secret of an invitation link: join that organization instead" } },
      example: { email: "ada@example.com", password: "correct horse battery staple", organizationName: "Acme" },
    },
    responses: { 201: { description: "The account and its organization", schema: "SignupResponse" } },
    errors: { 400: "invalid fields, or an unusable invitation", 409: "an account with this email already exists", 429: "too many sign-ups from this address" },
  },
  {
    method: "GET",
    path: "/api/v1/orgs",
    operationId: "listOrganizations",
    tag: "Account",
    summary: "Organizations of the caller",
    description: "For a person, every organization they belong to; for an API key, its own.",
    auth: { kind: "user" },
    query: listOldestFirstQuery,
    queryDocs: PAGINATION_DOCS,
    responses: { 200: { description: "Organizations with the caller's role in each, in the order the caller joined them", schema: "OrganizationPage" } },
  },
  {
    method: "POST",
    path: "/api/v1/orgs",
    operationId: "createOrganization",
    tag: "Account",
    summary: "Create an organization",
    description: "The caller becomes its admin and it becomes their current organization (dashboard sessions only).",
    auth: { kind: "user", sessionOnly: true },
    body: { schema: createOrgSchema, name: "CreateOrganizationRequest" },
    responses: { 201: { description: "The new organization", schema: "RenamedOrganization" } },
  },
  {
    method: "GET",
    path: "/api/v1/orgs/current",
    operationId: "getCurrentOrganization",
    tag: "Account",
    summary: "The organization requests act on",
    description: "An API key's own organization; for a person, the one chosen by the `tg_org` cookie or the `X-Toolgate-Org` header.",
    auth: { kind: "org", permission: "org.read" },
    responses: { 200: { description: "The organization and the caller's role in it", schema: "CurrentOrganization" } },
  },
  {
    method: "PUT",
    path: "/api/v1/orgs/current",
    operationId: "switchOrganization",
    tag: "Account",
    summary: "Switch the current organization",
    description: "Dashboard sessions only: API keys belong to one organization.",
    auth: { kind: "user", sessionOnly: true },
    body: { schema: switchOrgSchema, name: "SwitchOrganizationRequest" },
    responses: { 200: { description: "The organization now current, and the caller's role", schema: "CurrentOrganization" } },
    errors: { 404: "the caller is not a member of this organization" },
  },
  {
    method: "PATCH",
    path: "/api/v1/orgs/current",
    operationId: "renameOrganization",
    tag: "Account",
    summary: "Rename the current organization",
    auth: { kind: "org", permission: "org.manage" },
    body: { schema: renameOrgSchema, name: "RenameOrganizationRequest" },
    responses: { 200: { description: "The renamed organization", schema: "RenamedOrganization" } },
  },

  // ── Members, invitations, API keys ───────────────────────────────────────
  {
    method: "GET",
    path: "/api/v1/members",
    operationId: "listMembers",
    tag: "Members",
    summary: "Members of the organization",
    auth: { kind: "org", permission: "org.read" },
    query: listOldestFirstQuery,
    queryDocs: PAGINATION_DOCS,
    responses: { 200: { description: "Members, oldest first", schema: "MemberPage" } },
  },
  {
    method: "PATCH",
    path: "/api/v1/members/{id}",
    operationId: "changeMemberRole",
    tag: "Members",
    summary: "Change a member's role",
    auth: { kind: "org", permission: "members.manage" },
    params: { id: "membership id (`mem_…`)" },
    body: { schema: changeRoleSchema, name: "ChangeRoleRequest" },
    responses: { 200: { description: "The membership with its new role", schema: "MemberRoleChanged" } },
    errors: { 409: "the organization would be left without an admin" },
  },
  {
    method: "DELETE",
    path: "/api/v1/members/{id}",
    operationId: "removeMember",
    tag: "Members",
    summary: "Remove a member",
    auth: { kind: "org", permission: "members.manage" },
    params: { id: "membership id (`mem_…`)" },
    responses: { 204: { description: "Removed" } },
    errors: { 409: "the organization would be left without an admin" },
  },
  {
    method: "GET",
    path: "/api/v1/invitations",
    operationId: "listInvitations",
    tag: "Members",
    summary: "Pending invitations",
    auth: { kind: "org", permission: "members.manage" },
    query: listNewestFirstQuery,
    queryDocs: PAGINATION_DOCS,
    responses: { 200: { description: "Invitations neither accepted, revoked nor expired; newest first", schema: "InvitationPage" } },
  },
  {
    method: "POST",
    path: "/api/v1/invitations",
    operationId: "createInvitation",
    tag: "Members",
    summary: "Invite someone",
    description: "Returns the invitation link (valid 7 days, single use); it is mailed too when SMTP is configured. A new invitation to the same address replaces the pending one.",
    auth: { kind: "org", permission: "members.manage" },
    body: { schema: createInvitationSchema, name: "CreateInvitationRequest", fields: { email: { format: "email" } } },
    responses: { 201: { description: "The invitation and its link", schema: "CreatedInvitation" } },
    errors: { 409: "this person is already a member" },
  },
  {
    method: "DELETE",
    path: "/api/v1/invitations/{id}",
    operationId: "revokeInvitation",
    tag: "Members",
    summary: "Withdraw an invitation",
    auth: { kind: "org", permission: "members.manage" },
    params: { id: "invitation id (`inv_…`)" },
    responses: { 204: { description: "Withdrawn: the link stops working" } },
    errors: { 404: "no pending invitation with this id" },
  },
  {
    method: "POST",
    path: "/api/v1/invitations/accept",
    operationId: "acceptInvitation",
    tag: "Members",
    summary: "Accept an invitation",
    description: "The signed-in person joins the organization, which becomes their current one (dashboard sessions only).",
    auth: { kind: "user", sessionOnly: true },
    body: { schema: acceptInvitationSchema, name: "AcceptInvitationRequest", fields: { token: { description: "the secret part of the invitation link" } } },
    responses: { 200: { description: "The organization joined", schema: "JoinedOrganization" } },
    errors: { 400: "invalid fields, or the invitation is expired, withdrawn or unknown", 409: "the invitation has already been used" },
  },
  {
    method: "GET",
    path: "/api/v1/api-keys",
    operationId: "listApiKeys",
    tag: "Members",
    summary: "API keys of the organization",
    description: "Never the secrets: only their visible prefix.",
    auth: { kind: "org", permission: "apikeys.manage" },
    query: listNewestFirstQuery,
    queryDocs: PAGINATION_DOCS,
    responses: { 200: { description: "Keys, newest first (revoked ones included)", schema: "ApiKeyPage" } },
  },
  {
    method: "POST",
    path: "/api/v1/api-keys",
    operationId: "createApiKey",
    tag: "Members",
    summary: "Create an API key",
    description:
      "The key is returned once. Accepts HTTP Basic `email:password` so that a script can bootstrap its first key (failed attempts are throttled per email).",
    auth: { kind: "org", permission: "apikeys.manage", allowBasic: true },
    body: { schema: createApiKeySchema, name: "CreateApiKeyRequest", fields: { role: { description: "what the key may do, as a member with this role (default admin)" } }, example: { name: "ci", role: "policy_manager" } },
    responses: { 201: { description: "The key, with its secret shown this once", schema: "CreatedApiKey" } },
    errors: { 429: "too many failed Basic sign-ins for this email" },
  },
  {
    method: "DELETE",
    path: "/api/v1/api-keys/{id}",
    operationId: "revokeApiKey",
    tag: "Members",
    summary: "Revoke an API key",
    auth: { kind: "org", permission: "apikeys.manage" },
    params: { id: "API key id (`key_…`)" },
    responses: { 204: { description: "Revoked at once" } },
    errors: { 404: "no active API key with this id" },
  },

  // ── Servers and tools ────────────────────────────────────────────────────
  {
    method: "GET",
    path: "/api/v1/servers",
    operationId: "listServers",
    tag: "Servers",
    summary: "List servers",
    auth: { kind: "org", permission: "org.read" },
    query: listServersQuery,
    queryDocs: PAGINATION_DOCS,
    responses: { 200: { description: "A page of servers, by id", schema: "ServerPage" } },
  },
  {
    method: "POST",
    path: "/api/v1/servers",
    operationId: "createServer",
    tag: "Servers",
    summary: "Add a server",
    description:
      "Saves the server, then connects and lists its tools (Streamable HTTP, falling back to legacy SSE). The server is saved even when that first sync fails: `sync` says why. Upstream URLs resolving to private, loopback or metadata addresses are refused unless `TOOLGATE_ALLOW_PRIVATE_UPSTREAMS` allows them. `kind: \"command\"` registers a program Toolgate runs over stdio (only where the operator set `TOOLGATE_STDIO`); `kind: \"connector\"` a server run elsewhere by `toolgate connect`, with its first key in `connectorKey` (docs/stdio-servers.md).",
    auth: { kind: "org", permission: "servers.write" },
    body: {
      schema: createServerSchema,
      name: "CreateServerRequest",
      fields: {
        url: { format: "uri", description: "the upstream's MCP endpoint (http or https)" },
        headers: { description: "upstream credentials, e.g. `{\"Authorization\": \"Bearer …\"}`: stored encrypted, never returned" },
        reviewChangedTools: { description: "deny new or changed tools until reviewed (default true)" },
        sync: { description: "connect and list tools right away (default true)" },
        kind: { description: "`url` (default), `command` or `connector`" },
        command: { description: "command servers: the executable (a name on PATH or an absolute path)" },
        env: { description: "command servers: environment variables of the process: stored encrypted, never returned" },
        processMode: { description: "`session` (default): a process per client session; `shared`: one for all (stateless servers)" },
      },
      example: { name: "github", url: "https://api.githubcopilot.com/mcp/", headers: { Authorization: "Bearer ghp_…" } },
    },
    responses: { 201: { description: "The server, and the result of the first sync", schema: "CreatedServer" } },
    errors: { 400: "invalid fields, a URL or a command that is not allowed", 409: "a server with this name already exists" },
  },
  {
    method: "GET",
    path: "/api/v1/servers/kinds",
    operationId: "serverKinds",
    tag: "Servers",
    summary: "Which kinds of server this Toolgate accepts",
    description: "Command servers depend on the operator's `TOOLGATE_STDIO` (off by default).",
    auth: { kind: "org", permission: "org.read" },
    responses: { 200: { description: "The kinds and whether each is enabled", schema: "ServerKinds" } },
  },
  {
    method: "GET",
    path: "/api/v1/servers/{id}/processes",
    operationId: "listServerProcesses",
    tag: "Servers",
    summary: "A command or connector server's running processes",
    description: "On the replica that answers (processes live in its memory); empty for URL servers.",
    auth: { kind: "org", permission: "org.read" },
    params: SERVER_ID,
    responses: { 200: { description: "The processes", schema: "ServerProcessList" } },
  },
  {
    method: "DELETE",
    path: "/api/v1/servers/{id}/processes/{processId}",
    operationId: "stopServerProcess",
    tag: "Servers",
    summary: "Stop a process",
    description: "Its sessions end; their clients are told the process was stopped by an admin and start new ones.",
    auth: { kind: "org", permission: "servers.write" },
    params: { ...SERVER_ID, processId: "process id (`proc_…`, from the list)" },
    responses: { 204: { description: "Stopped" } },
  },
  {
    method: "GET",
    path: "/api/v1/servers/{id}/logs",
    operationId: "serverLogs",
    tag: "Servers",
    summary: "The stderr and lifecycle log of a server's processes",
    description: "The last 1,000 lines per server, kept in memory. Admins only: a program's stderr may print what it was given.",
    auth: { kind: "org", permission: "servers.write" },
    params: SERVER_ID,
    query: serverLogsQuery,
    queryDocs: { after: "only lines after this `seq` (the `next` of the previous answer)", limit: "at most this many lines (1–1000, default 500)" },
    responses: { 200: { description: "Lines, oldest first", schema: "ServerLogPage" } },
  },
  {
    method: "GET",
    path: "/api/v1/servers/{id}/connector-keys",
    operationId: "listConnectorKeys",
    tag: "Servers",
    summary: "A connector server's keys",
    auth: { kind: "org", permission: "servers.write" },
    params: SERVER_ID,
    responses: { 200: { description: "The keys (prefixes only)", schema: "ConnectorKeyList" } },
    errors: { 400: "the server is not a connector server" },
  },
  {
    method: "POST",
    path: "/api/v1/servers/{id}/connector-keys",
    operationId: "createConnectorKey",
    tag: "Servers",
    summary: "A new connector key",
    description: "The secret is shown once; only its SHA-256 is kept.",
    auth: { kind: "org", permission: "servers.write" },
    params: SERVER_ID,
    responses: { 201: { description: "The key and its secret", schema: "CreatedConnectorKey" } },
    errors: { 400: "the server is not a connector server" },
  },
  {
    method: "DELETE",
    path: "/api/v1/servers/{id}/connector-keys/{keyId}",
    operationId: "revokeConnectorKey",
    tag: "Servers",
    summary: "Revoke a connector key",
    description: "A connector using it is disconnected and stops (it does not retry a refused key).",
    auth: { kind: "org", permission: "servers.write" },
    params: { ...SERVER_ID, keyId: "connector key id (`ckey_…`)" },
    responses: { 204: { description: "Revoked" } },
  },
  {
    method: "GET",
    path: "/api/v1/servers/{id}",
    operationId: "getServer",
    tag: "Servers",
    summary: "Get a server",
    auth: { kind: "org", permission: "org.read" },
    params: SERVER_ID,
    responses: { 200: { description: "The server", schema: "ServerEnvelope" } },
  },
  {
    method: "PATCH",
    path: "/api/v1/servers/{id}",
    operationId: "updateServer",
    tag: "Servers",
    summary: "Change a server",
    description: "Only the fields given change; `headers`, when given, replace the stored ones entirely.",
    auth: { kind: "org", permission: "servers.write" },
    params: SERVER_ID,
    body: { schema: updateServerSchema, name: "UpdateServerRequest", fields: { url: { format: "uri" } } },
    responses: { 200: { description: "The server as changed", schema: "ServerEnvelope" } },
    errors: { 400: "invalid fields, nothing to change, or a URL that is not allowed", 409: "a server with this name already exists" },
  },
  {
    method: "DELETE",
    path: "/api/v1/servers/{id}",
    operationId: "deleteServer",
    tag: "Servers",
    summary: "Delete a server",
    description: "Its tools and grants go with it.",
    auth: { kind: "org", permission: "servers.write" },
    params: SERVER_ID,
    responses: { 204: { description: "Deleted" } },
  },
  {
    method: "POST",
    path: "/api/v1/servers/{id}/sync",
    operationId: "syncServer",
    tag: "Servers",
    summary: "List the server's tools again",
    description: "New tools and changed definitions are flagged (and, when the server asks for review, denied until reviewed); tools gone from the list are marked removed.",
    auth: { kind: "org", permission: "servers.write" },
    params: SERVER_ID,
    responses: { 200: { description: "What changed", schema: "SyncResult" } },
    errors: { 400: "the server has no URL, or its URL is no longer allowed", 502: "the upstream could not be reached or is not an MCP server: `details.kind` says why" },
  },
  {
    method: "GET",
    path: "/api/v1/servers/{id}/tools",
    operationId: "listTools",
    tag: "Servers",
    summary: "The tool inventory",
    description: "Every tool with its risk rating (`risk: {category, level, reasons}`), the recommended rule and its review state.",
    auth: { kind: "org", permission: "org.read" },
    params: SERVER_ID,
    query: listToolsQuery,
    queryDocs: { ...PAGINATION_DOCS, includeRemoved: "`true` to include tools the server no longer lists" },
    responses: { 200: { description: "A page of tools, by name (a page holds up to 1,000: most inventories come whole)", schema: "ToolPage" } },
  },
  {
    method: "POST",
    path: "/api/v1/servers/{id}/tools",
    operationId: "reviewTools",
    tag: "Servers",
    summary: "Mark new or changed tools as reviewed",
    description: "Reviewed tools are no longer denied for being new or changed; the policy decides again.",
    auth: { kind: "org", permission: "policies.write" },
    params: SERVER_ID,
    body: { schema: reviewToolsSchema, name: "ReviewToolsRequest", fields: { review: { description: "tool names" } } },
    responses: { 200: { description: "How many tools were waiting and are now reviewed", schema: "ToolsReviewed" } },
  },

  // ── Policies ─────────────────────────────────────────────────────────────
  {
    method: "GET",
    path: "/api/v1/servers/{id}/policy",
    operationId: "getServerPolicy",
    tag: "Policies",
    summary: "The published policy",
    auth: { kind: "org", permission: "org.read" },
    params: SERVER_ID,
    responses: { 200: { description: "The current version and its document (nulls when nothing is published)", schema: "ServerPolicy" } },
  },
  {
    method: "PUT",
    path: "/api/v1/servers/{id}/policy",
    operationId: "publishServerPolicy",
    tag: "Policies",
    summary: "Publish a new version",
    description:
      "The whole document is validated first. When it is invalid the answer is 400 with every error as `{path, message}` in `details.errors`, and the previous version stays live.",
    auth: { kind: "org", permission: "policies.write" },
    params: SERVER_ID,
    body: {
      schema: putPolicySchema,
      name: "PublishPolicyRequest",
      fields: {
        document: POLICY_REF,
        message: { description: "what changed, kept with the version" },
        baseVersion: { description: "the version this edit started from (null: none was published); when another was published since, the answer is 409" },
      },
      example: { document: { version: "1", default: "deny", tools: { echo: {} } }, message: "allow echo", baseVersion: 3 },
    },
    responses: { 200: { description: "The new version", schema: "PublishedPolicy" } },
    errors: {
      400: "invalid fields, or an invalid document (`details.errors`)",
      409: "`baseVersion` is no longer the current version: `details` has `currentVersion` and its `document`, `message`, `publishedAt`",
    },
  },
  {
    method: "GET",
    path: "/api/v1/servers/{id}/policy/draft",
    operationId: "getPolicyDraft",
    tag: "Policies",
    summary: "The caller's builder draft",
    description: "Each person (or API key) has their own draft per server, saved by the policy builder as they edit.",
    auth: { kind: "org", permission: "policies.write" },
    params: SERVER_ID,
    responses: { 200: { description: "The draft, or null", schema: "PolicyDraftAnswer" } },
  },
  {
    method: "PUT",
    path: "/api/v1/servers/{id}/policy/draft",
    operationId: "savePolicyDraft",
    tag: "Policies",
    summary: "Save the caller's builder draft",
    description: "Any text up to 4 MiB, valid or not: it is checked when it is published.",
    auth: { kind: "org", permission: "policies.write" },
    params: SERVER_ID,
    body: { schema: savePolicyDraftSchema, name: "SavePolicyDraftRequest", example: { text: '{ "version": "1", "default": "deny" }', baseVersion: 3 } },
    responses: { 200: { description: "The saved draft", schema: "PolicyDraftAnswer" } },
  },
  {
    method: "DELETE",
    path: "/api/v1/servers/{id}/policy/draft",
    operationId: "deletePolicyDraft",
    tag: "Policies",
    summary: "Discard the caller's builder draft",
    auth: { kind: "org", permission: "policies.write" },
    params: SERVER_ID,
    responses: { 204: { description: "Discarded (also when there was none)" } },
  },
  {
    method: "GET",
    path: "/api/v1/servers/{id}/policy/versions",
    operationId: "listPolicyVersions",
    tag: "Policies",
    summary: "Published versions",
    auth: { kind: "org", permission: "org.read" },
    params: SERVER_ID,
    query: listVersionsQuery,
    queryDocs: PAGINATION_DOCS,
    responses: { 200: { description: "Versions with their document, author and time, newest first (none when nothing is published)", schema: "PolicyVersionPage" } },
  },
  {
    method: "POST",
    path: "/api/v1/servers/{id}/policy/simulate",
    operationId: "simulateCall",
    tag: "Policies",
    summary: "What the gateway would decide for a call",
    description:
      "Evaluates one call against a draft (`policy`) or the published policy, with the tool's risk category when the server lists the tool. Counters are not touched. A tool waiting for review (new or changed on a server that asks for reviews) is denied whatever the policy says, as the gateway does: `pendingReview` is then true.",
    auth: { kind: "org", permission: "org.read" },
    params: SERVER_ID,
    body: {
      schema: simulateSchema,
      name: "SimulateRequest",
      fields: { policy: { ...POLICY_REF, description: "a draft; the published policy when left out" } },
      example: { call: { tool: "delete_file", args: { path: "/tmp/x" } } },
    },
    responses: { 200: { description: "The decision", schema: "SimulationResult" } },
    errors: { 400: "invalid fields, an invalid draft (`details.errors`), or no policy to simulate with" },
  },
  {
    method: "POST",
    path: "/api/v1/servers/{id}/policy/replay",
    operationId: "replayPolicy",
    tag: "Policies",
    summary: "What a draft would have changed over recorded calls",
    description:
      "Decides the server's recorded tools/call events of the last `days` days under the draft, as the gateway would (rate limits counted in recorded time, session history, risk categories), and compares each with the decision recorded then: totals, per tool and per grant counts of newly denied, hidden, rate limited, requiring approval and allowed calls, and a sample of changed calls. Calls whose argument values were not recorded are counted `undetermined` when the outcome depends on them. At most 100,000 calls (the most recent; `capped`). Nothing is published or counted at the gateway.",
    auth: { kind: "org", permission: "audit.read" },
    params: SERVER_ID,
    body: {
      schema: replaySchema,
      name: "ReplayRequest",
      fields: {
        policy: { ...POLICY_REF, description: "the draft to replay" },
        days: { description: "how many days back, 1–30 (default 7)" },
        grantId: { description: "report only this grant's calls (every call still counts against shared limits)" },
      },
      example: { policy: { version: "1", default: "deny", tools: { echo: { limits: [{ counter: "echo", window: "minute", max: 3 }] } } }, days: 7 },
    },
    responses: { 200: { description: "What would change", schema: "ReplayResult" } },
    errors: { 400: "invalid fields, or an invalid draft (`details.errors`)", 404: "no such server, or no such grant on it" },
  },
  {
    method: "GET",
    path: "/api/v1/servers/{id}/policy/recommended",
    operationId: "getRecommendedPolicy",
    tag: "Policies",
    summary: "A policy built from the tools' ratings",
    description: "Deny by default, each listed tool in its recommended lane. Not published: PUT it to /policy to apply it.",
    auth: { kind: "org", permission: "org.read" },
    params: SERVER_ID,
    responses: { 200: { description: "The draft document", schema: "RecommendedPolicy" } },
  },

  // ── Grants ───────────────────────────────────────────────────────────────
  {
    method: "POST",
    path: "/api/v1/servers/{id}/grants",
    operationId: "createGrant",
    tag: "Grants",
    summary: "Create a grant",
    description: "A bearer token for one agent on this server, returned once. Optionally with its own policy (a document, or an existing policy id).",
    auth: { kind: "org", permission: "grants.write" },
    params: SERVER_ID,
    body: {
      schema: createGrantSchema,
      name: "CreateGrantRequest",
      fields: { policy: { ...POLICY_REF, description: "the grant's own policy, published for it" }, metadata: { description: "available to policy conditions as `grant.metadata`" } },
      example: { label: "ci-runner" },
    },
    responses: { 201: { description: "The grant with its token (shown this once) and the gateway URL", schema: "CreatedGrant" } },
    errors: { 400: "invalid fields, or an invalid own policy (`details.errors`)", 404: "no server (or policy) with this id" },
  },
  {
    method: "GET",
    path: "/api/v1/grants",
    operationId: "listGrants",
    tag: "Grants",
    summary: "List grants",
    description: "With the time of last use and the calls of the last 24 hours; never the tokens.",
    auth: { kind: "org", permission: "org.read" },
    query: listGrantsQuery,
    queryDocs: { serverId: "only this server's grants", active: "`true`: only live grants; `false`: only revoked ones", ...PAGINATION_DOCS },
    responses: { 200: { description: "A page of grants, newest first", schema: "GrantPage" } },
  },
  {
    method: "DELETE",
    path: "/api/v1/grants/{id}",
    operationId: "revokeGrant",
    tag: "Grants",
    summary: "Revoke a grant",
    auth: { kind: "org", permission: "grants.write" },
    params: GRANT_ID,
    responses: { 204: { description: "Revoked: the token stops working on the next request" } },
    errors: { 404: "no active grant with this id" },
  },
  {
    method: "POST",
    path: "/api/v1/grants/{id}/rotate",
    operationId: "rotateGrant",
    tag: "Grants",
    summary: "Rotate a grant's token",
    auth: { kind: "org", permission: "grants.write" },
    params: GRANT_ID,
    responses: { 200: { description: "The grant with its new token (shown this once) and the gateway URL; the old token stops at once", schema: "CreatedGrant" } },
    errors: { 404: "no active grant with this id" },
  },
  {
    method: "PUT",
    path: "/api/v1/grants/{id}/policy",
    operationId: "setGrantPolicy",
    tag: "Grants",
    summary: "Give a grant its own policy",
    description: "`{policy}` publishes a document for the grant, `{policyId}` points it at an existing policy, `{policyId: null}` returns it to the server's.",
    auth: { kind: "org", permission: "grants.write" },
    params: GRANT_ID,
    body: { schema: grantPolicySchema, name: "GrantPolicyRequest", fields: { policy: POLICY_REF } },
    responses: { 200: { description: "The grant's policy", schema: "GrantPolicySet" } },
    errors: { 400: "invalid fields, or an invalid document (`details.errors`)", 404: "no grant (or policy) with this id" },
  },

  // ── Audit ────────────────────────────────────────────────────────────────
  {
    method: "GET",
    path: "/api/v1/audit",
    operationId: "listAuditEvents",
    tag: "Audit",
    summary: "The decision log",
    description:
      "One event per gateway decision, newest first, in pages (`limit`, `cursor`). With `after`, the events after the given one, oldest first: to follow the log, pass the answer's `nextCursor` as `after` again (it is null when nothing newer was there yet: keep the previous one). With `format=csv|json`, every event of the filter (up to 50,000) as a download instead.",
    auth: { kind: "org", permission: "audit.read" },
    query: auditListQuery,
    queryDocs: {
      serverId: "only this server",
      grantId: "only this grant",
      tool: "only this tool (exact name)",
      operation: "only this operation of a multiplexed tool (exact name)",
      decision: "only these decisions, comma-separated: allow, deny, hide, require_approval, rate_limited",
      from: "events at or after this time (ISO 8601 with offset)",
      to: "events at or before this time",
      ...PAGINATION_DOCS,
      after: "an event id (`evt_…`) or a cursor of this log: the events after it, oldest first (not with `cursor` or `format`)",
      format: "download every event of the filter as `csv` or `json` instead of a page",
    },
    responses: {
      200: {
        description: "A page of events; with `format=json`, every event of the filter as an array (AuditExport)",
        schema: ["AuditPage", "AuditExport"],
        alternatives: {
          "text/csv": { description: "`format=csv`: a header line, then one line per event", schema: { type: "string" } },
        },
        headers: { "content-disposition": "with `format`: `attachment; filename=\"toolgate-audit-<time>.<format>\"`" },
      },
    },
  },
  {
    method: "GET",
    path: "/api/v1/audit/stats",
    operationId: "auditStats",
    tag: "Audit",
    summary: "Aggregates behind the charts",
    description:
      "Calls per minute (or hour, over 6 h) by decision, gateway latency p50/p99, top tools and top denying rules, for the same filters as the list. The range defaults to the last hour. Each denying rule comes with its server and the policy it is in (the grant's own, or the server's), to link to it.",
    auth: { kind: "org", permission: "audit.read" },
    query: auditFilterSchema,
    queryDocs: {
      serverId: "only this server",
      grantId: "only this grant",
      tool: "only this tool (exact name)",
      operation: "only this operation of a multiplexed tool (exact name)",
      decision: "only these decisions, comma-separated",
      from: "start of the range (default: an hour ago)",
      to: "end of the range (default: now)",
    },
    responses: { 200: { description: "Series and top lists", schema: "AuditStats" } },
  },
  {
    method: "GET",
    path: "/api/v1/audit/admin",
    operationId: "listAdminLog",
    tag: "Audit",
    summary: "The admin log",
    description: "Who changed which server, policy, grant, member or key, and when.",
    auth: { kind: "org", permission: "audit.read" },
    query: listNewestFirstQuery,
    queryDocs: PAGINATION_DOCS,
    responses: { 200: { description: "A page of changes, newest first", schema: "AdminLogPage" } },
  },

  // ── Approvals ────────────────────────────────────────────────────────────
  {
    method: "GET",
    path: "/api/v1/approvals",
    operationId: "listApprovals",
    tag: "Approvals",
    summary: "Approval requests",
    description:
      "Calls a `require_approval` rule holds for a person, pending first, then newest first; each with the call's arguments in full, who asked (server, grant), the tool's risk, the rule, the decision and the audit events linked to it. A request past its expiry is `expired` even before the sweeper closes it.",
    auth: { kind: "org", permission: "org.read" },
    query: listApprovalsQuery,
    queryDocs: {
      status: "only these statuses, comma-separated: pending, approved, denied, expired, used",
      serverId: "only this server's requests",
      grantId: "only this grant's requests",
      tool: "only this tool (exact name)",
      ...PAGINATION_DOCS,
    },
    responses: { 200: { description: "A page of requests", schema: "ApprovalPage" } },
  },
  {
    method: "GET",
    path: "/api/v1/approvals/count",
    operationId: "countPendingApprovals",
    tag: "Approvals",
    summary: "How many requests are pending",
    description: "Light enough to poll (the dashboard's badge).",
    auth: { kind: "org", permission: "org.read" },
    responses: { 200: { description: "The number of pending requests", schema: "ApprovalCount" } },
  },
  {
    method: "GET",
    path: "/api/v1/approvals/{id}",
    operationId: "getApproval",
    tag: "Approvals",
    summary: "An approval request",
    auth: { kind: "org", permission: "org.read" },
    params: APPROVAL_ID,
    responses: { 200: { description: "The request", schema: "Approval" } },
  },
  {
    method: "POST",
    path: "/api/v1/approvals/{id}/approve",
    operationId: "approveApproval",
    tag: "Approvals",
    summary: "Approve a request",
    description:
      "The agent's same call (same grant, tool and arguments) then runs once, if made before the approval expires (the rule's timeout, counted from now). Besides the roles with `approvals.decide`, a member whose email the rule names in `approval.approvers` may decide this request, whatever their role (an API key never is one). Written to the admin log, with `via`: `role` or `named_approver`.",
    auth: { kind: "org", permission: "approvals.decide" },
    params: APPROVAL_ID,
    body: { schema: approveApprovalSchema, name: "ApproveRequest", example: { comment: "checked with finance" } },
    responses: { 200: { description: "The request, approved", schema: "Approval" } },
    errors: { 403: "the caller's role lacks `approvals.decide` and the request's rule does not name their email", 409: "already decided (`details.decidedBy` says by whom) or expired" },
  },
  {
    method: "POST",
    path: "/api/v1/approvals/{id}/deny",
    operationId: "denyApproval",
    tag: "Approvals",
    summary: "Deny a request",
    description:
      "`comment` is required: the agent is told it when it retries the call. Besides the roles with `approvals.decide`, a member whose email the rule names in `approval.approvers` may decide this request, whatever their role (an API key never is one). Written to the admin log, with `via`: `role` or `named_approver`.",
    auth: { kind: "org", permission: "approvals.decide" },
    params: APPROVAL_ID,
    body: { schema: denyApprovalSchema, name: "DenyRequest", example: { comment: "refunds over €1,000 go through finance" } },
    responses: { 200: { description: "The request, denied", schema: "Approval" } },
    errors: { 403: "the caller's role lacks `approvals.decide` and the request's rule does not name their email", 409: "already decided (`details.decidedBy` says by whom) or expired" },
  },
  {
    method: "GET",
    path: "/api/v1/approval-webhook",
    operationId: "getApprovalWebhook",
    tag: "Approvals",
    summary: "The approval webhook and its last deliveries",
    description: "Never the secret.",
    auth: { kind: "org", permission: "org.manage" },
    responses: { 200: { description: "The webhook (null when none) and the last 20 delivery attempts", schema: "ApprovalWebhookAnswer" } },
  },
  {
    method: "PUT",
    path: "/api/v1/approval-webhook",
    operationId: "putApprovalWebhook",
    tag: "Approvals",
    summary: "Set the approval webhook",
    description:
      "New and decided requests are POSTed to `url` as JSON (a top-level `text` for Slack incoming webhooks, plus `event` and `approval`), with `X-Toolgate-Signature: sha256=<hex HMAC-SHA256 of the body>`, `X-Toolgate-Event` and `X-Toolgate-Delivery`; network errors, 5xx and 429 are retried 4 times (after 1, 4, 16 and 60 s; a scheduled retry is stored and survives a restart). The URL is checked as upstream URLs are (private addresses refused with `TOOLGATE_ALLOW_PRIVATE_UPSTREAMS=false`). Creating the webhook generates its secret, returned this once.",
    auth: { kind: "org", permission: "org.manage" },
    body: { schema: approvalWebhookSchema, name: "ApprovalWebhookRequest", example: { url: "https://hooks.slack.com/services/T000/B000/XXXX", enabled: true } },
    responses: { 200: { description: "The webhook; `secret` when it was created now", schema: "SavedApprovalWebhook" } },
  },
  {
    method: "DELETE",
    path: "/api/v1/approval-webhook",
    operationId: "deleteApprovalWebhook",
    tag: "Approvals",
    summary: "Remove the approval webhook",
    auth: { kind: "org", permission: "org.manage" },
    responses: { 204: { description: "Removed" } },
    errors: { 404: "no webhook is set up" },
  },
  {
    method: "POST",
    path: "/api/v1/approval-webhook/secret",
    operationId: "rotateApprovalWebhookSecret",
    tag: "Approvals",
    summary: "A new signing secret",
    auth: { kind: "org", permission: "org.manage" },
    responses: { 200: { description: "The new secret, shown this once; the old one stops signing at once", schema: "WebhookSecret" } },
    errors: { 404: "no webhook is set up" },
  },
  {
    method: "POST",
    path: "/api/v1/approval-webhook/test",
    operationId: "testApprovalWebhook",
    tag: "Approvals",
    summary: "Send a test event",
    description: "One signed `test` event, not retried; logged with the deliveries.",
    auth: { kind: "org", permission: "org.manage" },
    responses: { 200: { description: "What the receiver answered", schema: "WebhookTestResult" } },
    errors: { 404: "no webhook is set up" },
  },

  // ── Meta ─────────────────────────────────────────────────────────────────
  {
    method: "GET",
    path: "/api/v1/openapi.json",
    operationId: "getOpenApiDocument",
    tag: "Meta",
    summary: "This OpenAPI 3.1 document",
    description: "Public and cacheable. Rendered for people at /docs/api.",
    auth: { kind: "public" },
    responses: { 200: { description: "The OpenAPI document", schema: "OpenApiDocument" } },
  },
];

/** The errors a route's shape implies, before its own additions. */
export function impliedErrors(route: RouteDoc): ErrorStatus[] {
  const out = new Set<ErrorStatus>();
  if (route.body || route.query) out.add(400);
  if (route.body) out.add(415);
  if (route.auth.kind !== "public") out.add(401);
  if (route.auth.kind === "org" || (route.auth.kind === "user" && route.auth.sessionOnly)) out.add(403);
  if (route.path.includes("{")) out.add(404);
  for (const status of Object.keys(route.errors ?? {})) out.add(Number(status) as ErrorStatus);
  return [...out].sort((a, b) => a - b);
}
