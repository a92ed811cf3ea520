import type { Metadata } from "next";
import { requireViewer } from "@/lib/auth/viewer";
import { PageHeader } from "@/components/ui/page-header";
import { EmptyState } from "@/components/ui/empty-state";

export const metadata: Metadata = { title: "Policies" };

export default async function Page() {
  await requireViewer("/policies");
  return (
    <>
      <PageHeader title="Policies" description="The rules Toolgate enforces on every tool call, built by drag and drop or written as JSON." />
      <EmptyState title="No policies yet" body="Once a server is registered, start from its recommended policy or a template, then publish it to the gateway." />
    </>
  );
}
