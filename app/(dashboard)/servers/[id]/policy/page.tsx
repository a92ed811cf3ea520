import type { Metadata } from "next";
import { viewerCan } from "@/lib/auth/viewer";
import { PolicyBuilder } from "@/components/policy-builder/policy-builder";
import { loadServer } from "../load";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const { server } = await loadServer((await params).id);
  return { title: `${server.name} · Policy` };
}

export default async function ServerPolicyPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { viewer, server } = await loadServer(id);
  return <PolicyBuilder serverId={server.id} canPublish={viewerCan(viewer, "policies.write")} />;
}
