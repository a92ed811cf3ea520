import type { Metadata } from "next";
import Link from "next/link";
import { requireViewer } from "@/lib/auth/viewer";
import { getDb } from "@/lib/db/client";
import { PageHeader } from "@/components/ui/page-header";
import { Card } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { ButtonLink } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { ServerActivityCard, type ServerActivity } from "@/components/overview/server-activity";
import { riskiestWithoutRule } from "@/components/overview/risky-tools";

const DAY_MS = 24 * 3600 * 1000;
/** Decisions that stopped a call. */
const DENIALS = new Set(["deny", "hide", "rate_limited"]);

/** Per server: calls and denials in the last 24 h, and the critical/high tools no rule covers. */
async function serverActivity(orgId: string): Promise<ServerActivity[]> {
  const db = getDb();
  const since = new Date(Date.now() - DAY_MS);
  const [servers, counts, risky, toolCounts] = await Promise.all([
    db.server.findMany({
      where: { orgId },
      select: {
        id: true,
        name: true,
        lastSyncAt: true,
        lastSyncError: true,
        policy: { select: { currentVersion: true, versions: { orderBy: { version: "desc" }, take: 1, select: { version: true, document: true } } } },
      },
      orderBy: { name: "asc" },
    }),
    db.auditEvent.groupBy({ by: ["serverId", "decision"], where: { orgId, time: { gte: since }, method: "tools/call" }, _count: { _all: true } }),
    db.tool.findMany({
      where: { server: { orgId }, removedAt: null, riskLevel: { in: ["critical", "high"] } },
      select: { serverId: true, name: true, riskLevel: true, riskCategory: true },
    }),
    db.tool.groupBy({ by: ["serverId"], where: { server: { orgId }, removedAt: null }, _count: { _all: true } }),
  ]);
  return servers.map((s) => {
    const mine = counts.filter((c) => c.serverId === s.id);
    const sum = (pick: (decision: string) => boolean) => mine.filter((c) => pick(c.decision)).reduce((n, c) => n + c._count._all, 0);
    const published = s.policy?.versions[0]?.version === s.policy?.currentVersion ? s.policy?.versions[0] : undefined;
    return {
      id: s.id,
      name: s.name,
      lastSyncAt: s.lastSyncAt?.toISOString() ?? null,
      lastSyncError: s.lastSyncError,
      policyVersion: published?.version ?? null,
      calls: sum(() => true),
      denied: sum((d) => DENIALS.has(d)),
      approvals: sum((d) => d === "require_approval"),
      tools: toolCounts.find((c) => c.serverId === s.id)?._count._all ?? 0,
      unruled: riskiestWithoutRule(
        risky.filter((t) => t.serverId === s.id),
        published?.document ?? null,
      ),
    };
  });
}

export const metadata: Metadata = { title: "Overview" };

export default async function OverviewPage() {
  const viewer = await requireViewer("/dashboard");
  const db = getDb();
  const orgId = viewer.org.id;
  const [servers, policies, grants, members, activity] = await Promise.all([
    db.server.count({ where: { orgId } }),
    db.policy.count({ where: { orgId } }),
    db.grant.count({ where: { orgId, revokedAt: null } }),
    db.membership.count({ where: { orgId } }),
    serverActivity(orgId),
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
      <div className="grid grid-cols-2 gap-4 sm:grid-cols-4">
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
      <section className="mt-8" aria-labelledby="overview-servers">
        <div className="mb-3 flex flex-wrap items-baseline justify-between gap-2">
          <h2 id="overview-servers" className="text-base font-semibold text-zinc-900">
            Servers in the last 24 hours
          </h2>
          {activity.length > 0 && (
            <Link href="/audit" className="text-sm font-medium text-brand-700 hover:underline">
              Audit log →
            </Link>
          )}
        </div>
        {activity.length === 0 ? (
          <EmptyState
            title="No servers yet"
            body="Register an MCP server: Toolgate lists its tools, rates each one, and shows here what your agents called and what was denied."
            action={<ButtonLink href="/servers">Add a server</ButtonLink>}
          />
        ) : (
          <div className="grid gap-4 lg:grid-cols-2">
            {activity.map((s) => (
              <ServerActivityCard key={s.id} s={s} />
            ))}
          </div>
        )}
      </section>
      <Card className="mt-8">
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
