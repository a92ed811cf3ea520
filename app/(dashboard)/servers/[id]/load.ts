import { cache } from "react";
import { notFound } from "next/navigation";
import { requireViewer } from "@/lib/auth/viewer";
import { getDb } from "@/lib/db/client";
import { SERVER_FIELDS } from "@/lib/servers/queries";
import { withConnectorStatus } from "@/lib/stdio/live";
import type { Server } from "@/components/servers/types";

/** The viewer and the server they asked for (in their current organization), or a 404. Once per request. */
export const loadServer = cache(async (id: string) => {
  const viewer = await requireViewer(`/servers/${id}`);
  const found = await getDb().server.findFirst({ where: { id, orgId: viewer.org.id }, select: SERVER_FIELDS });
  if (!found) notFound();
  const [{ connectorSeenAt: _seen, ...row }] = await withConnectorStatus([found]);
  const server: Server = {
    ...row,
    transport: row.transport as Server["transport"],
    lastSyncAt: row.lastSyncAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
  return { viewer, server };
});
