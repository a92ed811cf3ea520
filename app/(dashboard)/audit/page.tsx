import type { Metadata } from "next";
import { requireViewer } from "@/lib/auth/viewer";
import { filtersFromParams } from "@/lib/client/audit";
import { AuditLog } from "@/components/audit/audit-log";

export const metadata: Metadata = { title: "Audit" };

export default async function Page({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const viewer = await requireViewer("/audit");
  const initial = filtersFromParams(await searchParams);
  return <AuditLog key={viewer.org.id} initialFilters={initial} />;
}
