import type { Metadata } from "next";
import { requireViewer, viewerCan } from "@/lib/auth/viewer";
import { ROLE_LABELS } from "@/lib/auth/permissions";
import { PageHeader } from "@/components/ui/page-header";
import { GrantsManager } from "@/components/grants/grants-manager";

export const metadata: Metadata = { title: "Grants" };

export default async function Page() {
  const viewer = await requireViewer("/grants");
  return (
    <>
      <PageHeader title="Grants" description="Bearer tokens for your agents: one per agent, each bound to a server and a policy. Tokens are shown once." />
      <GrantsManager key={viewer.org.id} canWrite={viewerCan(viewer, "grants.write")} roleLabel={ROLE_LABELS[viewer.role]} />
    </>
  );
}
