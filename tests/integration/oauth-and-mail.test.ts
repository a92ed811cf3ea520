import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useFreshDatabase } from "../helpers/postgres";
import { startSmtpSink, type SmtpSink } from "../helpers/smtp-sink";
import { uniqueEmail, PASSWORD } from "../helpers/http";
import type { Db } from "../../lib/db/client";

// GitHub/Google sign-in cannot run here (a third-party OAuth provider), so what Toolgate does
// with the identity it returns is tested directly; invitation mail goes to a real SMTP server.
let db: Db;
let sink: SmtpSink;

beforeAll(async () => {
  await useFreshDatabase("oauth");
  db = (await import("../../lib/db/client")).getDb();
  sink = await startSmtpSink();
});
afterAll(async () => {
  await sink?.close();
});

describe("OAuth sign-in", () => {
  it("creates a user with an organization on first sign-in, and finds them again", async () => {
    const { linkOAuthUser } = await import("../../lib/auth/oauth-link");
    const email = uniqueEmail("gh");
    const first = await linkOAuthUser(db, { provider: "github", providerAccountId: "123", email, emailVerified: true, name: "Octo" });
    expect(first.ok).toBe(true);
    const again = await linkOAuthUser(db, { provider: "github", providerAccountId: "123", email: "changed@example.com", emailVerified: true, name: "Octo" });
    expect(again).toEqual(first);
    const userId = (first as { userId: string }).userId;
    const memberships = await db.membership.findMany({ where: { userId }, include: { org: true } });
    expect(memberships).toHaveLength(1);
    expect(memberships[0]).toMatchObject({ role: "admin", org: { name: "Octo's organization" } });
  });

  it("links a second provider to the user with the same verified email", async () => {
    const { linkOAuthUser } = await import("../../lib/auth/oauth-link");
    const { signUp } = await import("../../lib/orgs/sign-up");
    const email = uniqueEmail("both");
    const { user } = await signUp(db, { email, password: PASSWORD });
    const linked = await linkOAuthUser(db, { provider: "google", providerAccountId: "g-1", email: email.toUpperCase(), emailVerified: true, name: null });
    expect(linked).toEqual({ ok: true, userId: user.id });
    expect(await db.membership.count({ where: { userId: user.id } })).toBe(1);
  });

  it("refuses an identity without a verified email", async () => {
    const { linkOAuthUser } = await import("../../lib/auth/oauth-link");
    const r = await linkOAuthUser(db, { provider: "google", providerAccountId: "g-2", email: uniqueEmail("unverified"), emailVerified: false, name: null });
    expect(r).toEqual({ ok: false, error: "your google account has no verified email address" });
  });
});

describe("invitation mail", () => {
  it("is delivered over SMTP with the link when SMTP_URL is set, and skipped otherwise", async () => {
    const { sendInvitationMail } = await import("../../lib/orgs/invitation-mail");
    delete process.env.SMTP_URL;
    expect(await sendInvitationMail({ to: "x@example.com", orgName: "Acme", url: "http://t/invite/tgi_1", invitedBy: "ann@example.com" })).toBe(false);
    process.env.SMTP_URL = sink.url;
    const sent = await sendInvitationMail({ to: "bob@example.com", orgName: "Acme", url: "http://localhost:3000/invite/tgi_abc", invitedBy: "ann@example.com" });
    expect(sent).toBe(true);
    expect(sink.messages).toHaveLength(1);
    expect(sink.messages[0].to).toEqual(["<bob@example.com>"]);
    expect(sink.messages[0].data).toContain("http://localhost:3000/invite/tgi_abc");
    expect(sink.messages[0].data).toMatch(/Subject: ann@example.com invited you to Acme on Toolgate/);
    delete process.env.SMTP_URL;
  });
});
