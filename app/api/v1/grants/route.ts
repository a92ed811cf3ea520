import { withOrgApi } from "@/lib/api/handler";
import { listGrants } from "@/lib/grants/queries";
import { getDb } from "@/lib/db/client";

// GET /api/v1/grants?serverId&active=true → grants with last use and 24 h call counts (never tokens)
export const GET = withOrgApi({ permission: "org.read" }, async ({ req, org }) => {
  const sp = new URL(req.url).searchParams;
  const grants = await listGrants(getDb(), org.id, { serverId: sp.get("serverId") ?? undefined, includeRevoked: sp.get("active") === "true" ? false : true });
  return Response.json({ grants });
});
