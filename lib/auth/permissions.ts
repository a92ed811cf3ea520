// What each role may do. Route handlers and server components declare the permission they
// need (withApi({ permission: "members.manage" }, ...)); nothing checks roles directly.
export const ROLES = ["admin", "policy_manager", "viewer"] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = {
  "org.read": ["admin", "policy_manager", "viewer"],
  "org.manage": ["admin"],
  "members.manage": ["admin"],
  "apikeys.manage": ["admin"],
  "servers.write": ["admin"],
  "policies.write": ["admin", "policy_manager"],
  "grants.write": ["admin", "policy_manager"],
  "approvals.decide": ["admin", "policy_manager"],
  "audit.read": ["admin", "policy_manager", "viewer"],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function can(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

export const ROLE_LABELS: Record<Role, string> = {
  admin: "Admin",
  policy_manager: "Policy manager",
  viewer: "Viewer",
};

export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  admin: "Everything, including members, API keys and servers",
  policy_manager: "Edits and publishes policies, manages grants, decides approvals",
  viewer: "Reads servers, policies and the audit log",
};
