import { withOrgApi, readJson, readQuery } from "@/lib/api/handler";
import { ApiError } from "@/lib/api/errors";
import { createServerSchema } from "@/lib/validation/servers";
import { listServersQuery } from "@/lib/validation/lists";
import { createServer } from "@/lib/servers/create-server";
import { checkUpstreamUrl, UpstreamUrlError } from "@/lib/servers/upstream-address";
import { syncServerTools } from "@/lib/servers/sync-tools";
import { getServerOrThrow, listServers } from "@/lib/servers/queries";
import { getDb } from "@/lib/db/client";

// GET /api/v1/servers?limit&cursor → {items, nextCursor}
export const GET = withOrgApi({ permission: "org.read" }, async ({ req, org }) => {
  return Response.json(await listServers(getDb(), org.id, readQuery(req, listServersQuery)));
});

// POST /api/v1/servers {name, url, transport?, headers?, sync?} → 201 {server, sync} (sync: the
// tool listing, or the reason it failed: the server is saved either way)
export const POST = withOrgApi({ permission: "servers.write" }, async ({ req, org, actor }) => {
  const input = await readJson(req, createServerSchema);
  try {
    await checkUpstreamUrl(input.url);
  } catch (err) {
    if (err instanceof UpstreamUrlError) throw new ApiError("validation_failed", err.message, { fields: { url: err.message } });
    throw err;
  }
  const db = getDb();
  const server = await createServer(db, actor, org.id, input);
  let sync: unknown = null;
  if (input.sync !== false) {
    try {
      sync = { ok: true, ...(await syncServerTools(db, actor, org.id, server.id)) };
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      sync = { ok: false, error: { code: err.code, message: err.message, details: err.details } };
    }
  }
  return Response.json({ server: await getServerOrThrow(db, org.id, server.id), sync }, { status: 201 });
});
