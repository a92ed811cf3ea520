import { withOrgApi, readJson } from "@/lib/api/handler";
import { createInvitationSchema } from "@/lib/validation/org";
import { createInvitation, invitationUrl } from "@/lib/orgs/invitations";
import { sendInvitationMail } from "@/lib/orgs/invitation-mail";
import { getDb } from "@/lib/db/client";

export const GET = withOrgApi({ permission: "members.manage" }, async ({ org }) => {
  const invitations = await getDb().invitation.findMany({
    where: { orgId: org.id, acceptedAt: null, revokedAt: null, expiresAt: { gt: new Date() } },
    select: { id: true, email: true, role: true, expiresAt: true, createdAt: true },
    orderBy: { createdAt: "desc" },
  });
  return Response.json({ invitations });
});

// POST /api/v1/invitations {email, role} → 201 with the link (shown to the admin; mailed when SMTP is set)
export const POST = withOrgApi({ permission: "members.manage" }, async ({ req, org, actor }) => {
  const input = await readJson(req, createInvitationSchema);
  const { invitation, token } = await createInvitation(getDb(), actor, org.id, input.email, input.role);
  const url = invitationUrl(token);
  const mailed = await sendInvitationMail({ to: input.email, orgName: org.name, url, invitedBy: actor.label ?? "an admin" });
  return Response.json(
    { invitation: { id: invitation.id, email: invitation.email, role: invitation.role, expiresAt: invitation.expiresAt }, url, mailed },
    { status: 201 },
  );
});
