import type { Metadata } from "next";
import { viewerCan } from "@/lib/auth/viewer";
import { Inventory } from "@/components/servers/inventory";
import { loadServer } from "./load";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const { server } = await loadServer((await params).id);
  return { title: `${server.name} · Inventory` };
}

export default async function ServerInventoryPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { id } = await params;
  const { viewer, server } = await loadServer(id);
  const sp = await searchParams;
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? "";
  return (
    <Inventory
      serverId={server.id}
      canReview={viewerCan(viewer, "policies.write")}
      canPublish={viewerCan(viewer, "policies.write")}
      initialFilter={{ q: first(sp.q), level: first(sp.level), category: first(sp.category), pending: first(sp.pending) === "1" }}
    />
  );
}
