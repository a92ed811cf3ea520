import { withOrgApi, readJson } from "@/lib/api/handler";
import { replaySchema } from "@/lib/validation/replay";
import { replayDraft } from "@/lib/policies/replay-run";
import { getDb } from "@/lib/db/client";

// POST /api/v1/servers/{id}/policy/replay {policy, days?, grantId?} → what the draft would have
// changed over the recorded calls of the last `days` days. Reads the audit log: audit.read.
export const POST = withOrgApi<{ id: string }>({ permission: "audit.read" }, async ({ req, params, org }) => {
  const input = await readJson(req, replaySchema);
  return Response.json(await replayDraft(getDb(), org.id, params.id, input));
});
