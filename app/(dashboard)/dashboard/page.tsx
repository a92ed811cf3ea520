import type { Metadata } from "next";
import Link from "next/link";
import { requireViewer } from "@/lib/auth/viewer";
import { getDb } from "@/lib/db/client";
import { PageHeader } from "@/components/ui/page-header";
import { Card } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";

export const metadata: Metadata = { title: "Overview" };

export default async function OverviewPage() {
  const viewer = await requireViewer("/dashboard");
  const db = getDb();
  const orgId = viewer.org.id;
  const [servers, policies, grants, members] = await Promise.all([
    db.server.count({ where: { orgId } }),
    db.policy.count({ where: { orgId } }),
    db.grant.count({ where: { orgId, revokedAt: null } }),
    db.membership.count({ where: { orgId } }),
  ]);
  const steps = [
    { done: servers > 0, title: "Register an MCP server", body: "Give its URL; Toolgate lists its tools and rates each one.", href: "/servers" },
    { done: policies > 0, title: "Write a policy", body: "Drag tools into Allow, Rate limit, Require approval, Deny or Hide.", href: "/policies" },
    { done: grants > 0, title: "Create a grant for an agent", body: "A token for one agent, shown once, with ready-made client snippets.", href: "/grants" },
    { done: false, title: "Watch the decisions", body: "Every call your agents make, what was decided and why.", href: "/audit" },
  ];
  return (
    <>
      <PageHeader title={`Welcome${viewer.user.name ? `, ${viewer.user.name}` : ""}`} description={`You are working in ${viewer.org.name}.`} />
      <div className="grid gap-4 sm:grid-cols-4">
        {[
          ["Servers", servers],
          ["Policies", policies],
          ["Active grants", grants],
          ["Members", members],
        ].map(([label, n]) => (
          <Card key={label} className="p-4">
            <div className="text-sm text-zinc-600">{label}</div>
            <div className="mt-1 text-2xl font-semibold text-zinc-900">{n}</div>
          </Card>
        ))}
      </div>
      <Card className="mt-6">
        <div className="border-b border-zinc-200 px-5 py-4">
          <h2 className="text-base font-semibold">Get started</h2>
        </div>
        <ol className="divide-y divide-zinc-100">
          {steps.map((s, i) => (
            <li key={s.title}>
              <Link href={s.href} className="flex items-start gap-4 px-5 py-4 hover:bg-zinc-50">
                <span
                  className={cn(
                    "flex size-7 shrink-0 items-center justify-center rounded-full text-sm font-semibold",
                    s.done ? "bg-emerald-100 text-emerald-700" : "bg-zinc-100 text-zinc-600",
                  )}
                  aria-label={s.done ? "done" : `step ${i + 1}`}
                >
                  {s.done ? "✓" : i + 1}
                </span>
                <span>
                  <span className="block text-sm font-medium text-zinc-900">{s.title}</span>
                  <span className="block text-sm text-zinc-600">{s.body}</span>
                </span>
              </Link>
            </li>
          ))}
        </ol>
      </Card>
    </>
  );
}
