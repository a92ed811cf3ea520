import { cookies } from "next/headers";
import { withUserApi, readJson } from "@/lib/api/handler";
import { ApiError } from "@/lib/api/errors";
import { acceptInvitationSchema } from "@/lib/validation/org";
import { acceptInvitation } from "@/lib/orgs/invitations";
import { ORG_COOKIE } from "@/lib/auth/current-org";
import { getDb } from "@/lib/db/client";

// POST /api/v1/invitations/accept {token}: the signed-in person joins the organization,
// which becomes their current one.
export const POST = withUserApi({}, async ({ req, principal }) => {
  if (principal.kind !== "user") throw new ApiError("forbidden", "invitations are accepted by people, not API keys");
  const { token } = await readJson(req, acceptInvitationSchema);
  const org = await acceptInvitation(getDb(), token, { id: principal.userId, email: principal.email });
  (await cookies()).set(ORG_COOKIE, org.id, { path: "/", httpOnly: true, sameSite: "lax" });
  return Response.json({ organization: org });
});
