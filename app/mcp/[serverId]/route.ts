import { getGateway } from "@/lib/gateway/runtime";
import { webRequest, webResponse } from "@/gateway/http/io";

// The gateway for hosts that run only Next (`next start`, serverless): the same core as the
// custom server's fast path, adapted to Web Request/Response. Slower (Next's pipeline costs
// about 1 ms a call, see docs/performance.md) but identical in behaviour; tests run both.
export const dynamic = "force-dynamic";

async function handle(req: Request): Promise<Response> {
  const gateway = await getGateway();
  const { response, res } = webResponse();
  gateway.handle(webRequest(req), res).catch((err) => {
    console.error("toolgate: gateway request failed:", err);
    if (!res.started) res.start(500, { "content-type": "application/json" });
    res.end(JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: -32603, message: "internal gateway error" } }));
  });
  return response;
}

export { handle as GET, handle as POST, handle as DELETE, handle as OPTIONS };
