import { getDb } from "@/lib/db/client";

export const dynamic = "force-dynamic";

// 200 when the database answers, 503 otherwise; used by load balancers and tests.
export async function GET() {
  const started = performance.now();
  try {
    await getDb().$queryRaw`SELECT 1`;
    return Response.json({ status: "ok", database: { status: "ok", latencyMs: +(performance.now() - started).toFixed(2) } });
  } catch (err) {
    return Response.json({ status: "degraded", database: { status: "unreachable", error: (err as Error).message.split("\n")[0] } }, { status: 503 });
  }
}
