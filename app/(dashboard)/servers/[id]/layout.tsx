import { viewerCan } from "@/lib/auth/viewer";
import { gatewayUrl } from "@/lib/grants/snippets";
import { privateUpstreamsAllowed } from "@/lib/servers/upstream-address";
import { ServerHeader } from "@/components/servers/server-header";
import { SectionTabs } from "@/components/ui/section-tabs";
import { loadServer } from "./load";

export default async function ServerLayout({ children, params }: { children: React.ReactNode; params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { viewer, server } = await loadServer(id);
  return (
    <>
      <ServerHeader key={viewer.org.id} initial={server} gatewayUrl={gatewayUrl(server.id)} canWrite={viewerCan(viewer, "servers.write")} privateAllowed={privateUpstreamsAllowed()} />
      <SectionTabs
        label="Server sections"
        tabs={[
          { href: `/servers/${server.id}`, label: "Inventory" },
          { href: `/servers/${server.id}/policy`, label: "Policy" },
          ...(server.kind === "url" ? [] : [{ href: `/servers/${server.id}/processes`, label: server.kind === "connector" ? "Connector & logs" : "Processes & logs" }]),
        ]}
      />
      <div className="mt-6">{children}</div>
    </>
  );
}
