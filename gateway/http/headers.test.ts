import { describe, expect, it } from "vitest";
import { upstreamRequestHeaders } from "./headers";
import { webRequest } from "./io";

describe("upstreamRequestHeaders", () => {
  const req = webRequest(
    new Request("http://gw.test/mcp/srv_1", {
      method: "POST",
      headers: {
        accept: "application/json, text/event-stream",
        "content-type": "application/json",
        "MCP-Protocol-Version": "2026-07-28",
        "Mcp-Method": "tools/call",
        "Mcp-Name": "execute_sql",
        "Mcp-Param-Region": "us-west1",
        "MCP-PARAM-TENANT": "=?base64?YWNtZQ==?=",
        authorization: "Bearer tgg_client",
        cookie: "tg_org=1",
        origin: "http://evil.test",
        "x-forwarded-for": "10.0.0.1",
      },
      body: "{}",
    }),
  );

  it("forwards the 2026-07-28 routing headers (checked against the body before) and MCP's own, never the client's credentials", () => {
    expect(upstreamRequestHeaders(req, { Authorization: "Bearer upstream" }, "up-1")).toEqual({
      accept: "application/json, text/event-stream",
      "content-type": "application/json",
      "mcp-protocol-version": "2026-07-28",
      "mcp-method": "tools/call",
      "mcp-name": "execute_sql",
      "mcp-param-region": "us-west1",
      "mcp-param-tenant": "=?base64?YWNtZQ==?=",
      authorization: "Bearer upstream",
      "mcp-session-id": "up-1",
    });
  });

  it("given only the lookup, it cannot list the Mcp-Param-* headers and forwards the fixed set", () => {
    const out = upstreamRequestHeaders(req.header, {}, null);
    expect(out["mcp-method"]).toBe("tools/call");
    expect(Object.keys(out).filter((k) => k.startsWith("mcp-param-"))).toEqual([]);
    expect(out.authorization).toBeUndefined();
  });
});
