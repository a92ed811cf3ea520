import { withOrgApi, readJson, readQuery } from "@/lib/api/handler";
import { createApiKeySchema } from "@/lib/validation/org";
import { listNewestFirstQuery } from "@/lib/validation/lists";
import { createApiKey, listApiKeys } from "@/lib/orgs/api-keys";
import { getDb } from "@/lib/db/client";

// GET /api/v1/api-keys?limit&cursor → {items, nextCursor}: the organization's keys, newest first (never the secrets)
export const GET = withOrgApi({ permission: "apikeys.manage" }, async ({ req, org }) => {
  return Response.json(await listApiKeys(getDb(), org.id, readQuery(req, listNewestFirstQuery)));
});

// POST /api/v1/api-keys {name, role?} → 201 {id, key, prefix}; the key is shown this once.
// Accepts HTTP Basic email:password so that a script can bootstrap its first key.
export const POST = withOrgApi({ permission: "apikeys.manage", allowBasic: true }, async ({ req, org, actor }) => {
  const input = await readJson(req, createApiKeySchema);
  const created = await createApiKey(getDb(), actor, org.id, input.name, input.role);
  return Response.json(created, { status: 201 });
});
