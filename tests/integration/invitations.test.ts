import { beforeAll, describe, expect, it } from "vitest";
import { useFreshDatabase } from "../helpers/postgres";
import { uniqueEmail, PASSWORD } from "../helpers/http";
import type { Db } from "../../lib/db/client";

// Organization flows at the library level, against real PostgreSQL.
let db: Db;
let signUp: typeof import("../../lib/orgs/sign-up").signUp;
let inv: typeof import("../../lib/orgs/invitations");
const admin = { type: "user" as const, id: "usr_x", label: "admin@example.com" };

beforeAll(async () => {
  await useFreshDatabase("inv");
  db = (await import("../../lib/db/client")).getDb();
  signUp = (await import("../../lib/orgs/sign-up")).signUp;
  inv = await import("../../lib/orgs/invitations");
});

async function orgOfNewUser() {
  const r = await signUp(db, { email: uniqueEmail("owner"), password: PASSWORD });
  return r.organization.id;
}

describe("invitations", () => {
  it("an invited person signs up into the inviting organization with the invited role, and no org of their own", async () => {
    const orgId = await orgOfNewUser();
    const email = uniqueEmail("invitee");
    const { token } = await inv.createInvitation(db, admin, orgId, email, "policy_manager");
    const r = await signUp(db, { email, password: PASSWORD, inviteToken: token });
    expect(r.organization.id).toBe(orgId);
    const memberships = await db.membership.findMany({ where: { userId: r.user.id } });
    expect(memberships).toEqual([expect.objectContaining({ orgId, role: "policy_manager" })]);
    expect((await inv.lookupInvitation(db, token)).problem).toBe("accepted");
    const log = await db.adminAuditLog.findMany({ where: { orgId, action: { in: ["invitation.created", "member.joined"] } } });
    expect(log).toHaveLength(2);
  });

  it("refuses a sign-up with another email than the invited one", async () => {
    const orgId = await orgOfNewUser();
    const { token } = await inv.createInvitation(db, admin, orgId, uniqueEmail("right"), "viewer");
    await expect(signUp(db, { email: uniqueEmail("wrong"), password: PASSWORD, inviteToken: token })).rejects.toThrow(/another email/);
  });

  it("an existing user accepts once; a second accept and an expired link are refused", async () => {
    const orgId = await orgOfNewUser();
    const other = await signUp(db, { email: uniqueEmail("existing"), password: PASSWORD });
    const { token } = await inv.createInvitation(db, admin, orgId, other.user.email, "viewer");
    const results = await Promise.allSettled([inv.acceptInvitation(db, token, other.user), inv.acceptInvitation(db, token, other.user)]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const second = await inv.createInvitation(db, admin, await orgOfNewUser(), other.user.email, "viewer");
    await db.invitation.update({ where: { id: second.invitation.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await expect(inv.acceptInvitation(db, second.token, other.user)).rejects.toThrow(/expired/);
  });

  it("only the invited person can accept", async () => {
    const orgId = await orgOfNewUser();
    const { token } = await inv.createInvitation(db, admin, orgId, uniqueEmail("target"), "viewer");
    const intruder = await signUp(db, { email: uniqueEmail("intruder"), password: PASSWORD });
    await expect(inv.acceptInvitation(db, token, intruder.user)).rejects.toThrow(/this invitation is for/);
  });

  it("a new invitation to the same address withdraws the pending one; existing members cannot be invited", async () => {
    const r = await signUp(db, { email: uniqueEmail("own"), password: PASSWORD });
    const email = uniqueEmail("twice");
    const first = await inv.createInvitation(db, admin, r.organization.id, email, "viewer");
    await inv.createInvitation(db, admin, r.organization.id, email, "admin");
    expect((await inv.lookupInvitation(db, first.token)).problem).toBe("revoked");
    await expect(inv.createInvitation(db, admin, r.organization.id, r.user.email, "viewer")).rejects.toThrow(/already a member/);
  });

  it("stores only the hash of the invitation secret", async () => {
    const orgId = await orgOfNewUser();
    const { token, invitation } = await inv.createInvitation(db, admin, orgId, uniqueEmail("hash"), "viewer");
    const row = await db.invitation.findUniqueOrThrow({ where: { id: invitation.id } });
    expect(row.tokenHash).not.toContain(token);
    expect(JSON.stringify(row)).not.toContain(token);
  });
});
