import type { Metadata } from "next";
import { requireViewer } from "@/lib/auth/viewer";
import { PageHeader } from "@/components/ui/page-header";
import { EmptyState } from "@/components/ui/empty-state";

export const metadata: Metadata = { title: "Servers" };

export default async function Page() {
  await requireViewer("/servers");
  return (
    <>
      <PageHeader title="Servers" description="The MCP servers your agents reach through Toolgate, with every tool they offer and its risk." />
      <EmptyState title="No servers yet" body="Registering a server by its MCP URL (or a local command) comes next: Toolgate will connect, list its tools and rate each one." />
    </>
  );
}
