import { describe, expect, it } from "vitest";
import { can, PERMISSIONS, ROLES } from "./permissions";

describe("permissions", () => {
  it("gives admins every permission", () => {
    for (const p of Object.keys(PERMISSIONS) as (keyof typeof PERMISSIONS)[]) expect(can("admin", p)).toBe(true);
  });
  it("keeps viewers to reading", () => {
    const allowed = (Object.keys(PERMISSIONS) as (keyof typeof PERMISSIONS)[]).filter((p) => can("viewer", p));
    expect(allowed.sort()).toEqual(["audit.read", "org.read"]);
  });
  it("lets policy managers edit policies but not members or keys", () => {
    expect(can("policy_manager", "policies.write")).toBe(true);
    expect(can("policy_manager", "approvals.decide")).toBe(true);
    expect(can("policy_manager", "members.manage")).toBe(false);
    expect(can("policy_manager", "apikeys.manage")).toBe(false);
  });
  it("names only known roles", () => {
    for (const roles of Object.values(PERMISSIONS)) for (const r of roles) expect(ROLES).toContain(r);
  });
});
