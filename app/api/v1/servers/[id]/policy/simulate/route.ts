import { withOrgApi, readJson } from "@/lib/api/handler";
import { simulateSchema } from "@/lib/validation/servers";
import { getServerOrThrow } from "@/lib/servers/queries";
import { simulateCall } from "@/lib/policies/server-policy";
import { getDb } from "@/lib/db/client";

// POST /api/v1/servers/{id}/policy/simulate {policy?, call:{tool, args}} → {effect, rule, message, ...}
export const POST = withOrgApi<{ id: string }>({ permission: "org.read" }, async ({ req, params, org }) => {
  const input = await readJson(req, simulateSchema);
  const db = getDb();
  await getServerOrThrow(db, org.id, params.id);
  return Response.json(await simulateCall(db, org.id, params.id, input));
});
