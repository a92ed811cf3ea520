import { withOrgApi, readJson, readQuery } from "@/lib/api/handler";
import { ApiError } from "@/lib/api/errors";
import { createServerSchema } from "@/lib/validation/servers";
import { listServersQuery } from "@/lib/validation/lists";
import { createServer } from "@/lib/servers/create-server";
import { assertCommandAllowed } from "@/lib/servers/update-server";
import { checkUpstreamUrl, UpstreamUrlError } from "@/lib/servers/upstream-address";
import { syncServerTools } from "@/lib/servers/sync-tools";
import { getServerOrThrow, listServers } from "@/lib/servers/queries";
import { createConnectorKey } from "@/lib/stdio/connector-keys";
import { withConnectorStatus } from "@/lib/stdio/live";
import { getDb } from "@/lib/db/client";

// GET /api/v1/servers?limit&cursor → {items, nextCursor}
export const GET = withOrgApi({ permission: "org.read" }, async ({ req, org }) => {
  const page = await listServers(getDb(), org.id, readQuery(req, listServersQuery));
  return Response.json({ ...page, items: await withConnectorStatus(page.items) });
});

// POST /api/v1/servers {name, kind?, url | command… , sync?} → 201 {server, sync, connectorKey?}
// (sync: the tool listing, or the reason it failed: the server is saved either way; a connector
// server gets its first key, shown once, and is listed when its connector dials in)
export const POST = withOrgApi({ permission: "servers.write" }, async ({ req, org, actor }) => {
  const input = await readJson(req, createServerSchema);
  const kind = input.kind ?? "url";
  if (kind === "url") {
    try {
      await checkUpstreamUrl(input.url!);
    } catch (err) {
      if (err instanceof UpstreamUrlError) throw new ApiError("validation_failed", err.message, { fields: { url: err.message } });
      throw err;
    }
  }
  if (kind === "command") assertCommandAllowed(input.command!, Object.keys(input.env ?? {}));
  const db = getDb();
  const server = await createServer(db, actor, org.id, input);
  const connectorKey = kind === "connector" ? await createConnectorKey(db, actor, org.id, server.id) : undefined;
  let sync: unknown = null;
  if (input.sync !== false && kind !== "connector") {
    try {
      sync = { ok: true, ...(await syncServerTools(db, actor, org.id, server.id)) };
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      sync = { ok: false, error: { code: err.code, message: err.message, details: err.details } };
    }
  }
  const [created] = await withConnectorStatus([await getServerOrThrow(db, org.id, server.id)]);
  return Response.json(
    { server: created, sync, ...(connectorKey ? { connectorKey: { id: connectorKey.key.id, prefix: connectorKey.key.prefix, secret: connectorKey.secret } } : {}) },
    { status: 201 },
  );
});
