import { withOrgApi, readJson } from "@/lib/api/handler";
import { simulateSchema } from "@/lib/validation/servers";
import { simulateCall } from "@/lib/policies/server-policy";
import { getDb } from "@/lib/db/client";

// POST /api/v1/servers/{id}/policy/simulate {policy?, call:{tool, args}} → {effect, rule, message, ...},
// what the gateway would decide (a tool pending review is denied, as the gateway does)
export const POST = withOrgApi<{ id: string }>({ permission: "org.read" }, async ({ req, params, org }) => {
  const input = await readJson(req, simulateSchema);
  return Response.json(await simulateCall(getDb(), org.id, params.id, input));
});
