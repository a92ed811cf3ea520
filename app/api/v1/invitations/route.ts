import { withOrgApi, readJson, readQuery } from "@/lib/api/handler";
import { createInvitationSchema } from "@/lib/validation/org";
import { listNewestFirstQuery } from "@/lib/validation/lists";
import { createInvitation, invitationUrl, listPendingInvitations } from "@/lib/orgs/invitations";
import { sendInvitationMail } from "@/lib/orgs/invitation-mail";
import { getDb } from "@/lib/db/client";

// GET /api/v1/invitations?limit&cursor → {items, nextCursor}: pending invitations, newest first
export const GET = withOrgApi({ permission: "members.manage" }, async ({ req, org }) => {
  return Response.json(await listPendingInvitations(getDb(), org.id, readQuery(req, listNewestFirstQuery)));
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
