import { withOrgApi, readQuery } from "@/lib/api/handler";
import { listGrants } from "@/lib/grants/queries";
import { listGrantsQuery } from "@/lib/validation/lists";
import { getDb } from "@/lib/db/client";

// GET /api/v1/grants?serverId&active&limit&cursor → {items, nextCursor}: grants, newest first, with
// last use and 24 h call counts (never tokens); active=true only live ones, active=false only revoked
export const GET = withOrgApi({ permission: "org.read" }, async ({ req, org }) => {
  return Response.json(await listGrants(getDb(), org.id, readQuery(req, listGrantsQuery)));
});
