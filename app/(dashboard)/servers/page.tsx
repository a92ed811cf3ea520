import type { Metadata } from "next";
import { requireViewer, viewerCan } from "@/lib/auth/viewer";
import { privateUpstreamsAllowed } from "@/lib/servers/upstream-address";
import { publicUrl } from "@/lib/grants/snippets";
import { PageHeader } from "@/components/ui/page-header";
import { ServersList } from "@/components/servers/servers-list";

export const metadata: Metadata = { title: "Servers" };

export default async function ServersPage() {
  const viewer = await requireViewer("/servers");
  return (
    <>
      <PageHeader title="Servers" description="The MCP servers your agents reach through Toolgate, with every tool they offer and its risk." />
      <ServersList key={viewer.org.id} orgId={viewer.org.id} canWrite={viewerCan(viewer, "servers.write")} privateAllowed={privateUpstreamsAllowed()} publicUrl={publicUrl()} />
    </>
  );
}
