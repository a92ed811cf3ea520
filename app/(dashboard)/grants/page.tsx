import type { Metadata } from "next";
import { requireViewer } from "@/lib/auth/viewer";
import { PageHeader } from "@/components/ui/page-header";
import { EmptyState } from "@/components/ui/empty-state";

export const metadata: Metadata = { title: "Grants" };

export default async function Page() {
  await requireViewer("/grants");
  return (
    <>
      <PageHeader title="Grants" description="Bearer tokens for your agents: one per agent, each bound to a server and a policy." />
      <EmptyState title="No grants yet" body="A grant gives one agent (say ci-runner) access to one server through Toolgate. Its token is shown once." />
    </>
  );
}
