import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { viewerCan } from "@/lib/auth/viewer";
import { publicUrl } from "@/lib/grants/snippets";
import { ServerRuntime } from "@/components/servers/server-runtime";
import { loadServer } from "../load";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const { server } = await loadServer((await params).id);
  return { title: `${server.name} · Processes & logs` };
}

/** Command and connector servers: their processes, their log, and a connector's keys. */
export default async function ServerProcessesPage({ params }: { params: Promise<{ id: string }> }) {
  const { viewer, server } = await loadServer((await params).id);
  if (server.kind === "url") notFound();
  return <ServerRuntime initial={server} publicUrl={publicUrl()} canWrite={viewerCan(viewer, "servers.write")} />;
}
