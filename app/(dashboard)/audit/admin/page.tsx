import type { Metadata } from "next";
import { requireViewer } from "@/lib/auth/viewer";
import { AdminLog } from "@/components/audit/admin-log";

export const metadata: Metadata = { title: "Admin log" };

export default async function Page() {
  const viewer = await requireViewer("/audit/admin");
  return <AdminLog key={viewer.org.id} />;
}
