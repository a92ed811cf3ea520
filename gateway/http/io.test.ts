import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { nodeResponse, webResponse } from "./io";

// The fast path's response adapter over Node's ServerResponse.
describe("nodeResponse", () => {
  let server: http.Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
  });

  async function serve(handler: (res: http.ServerResponse) => void): Promise<string> {
    server = http.createServer((_req, res) => handler(res));
    await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  }

  it("sends the head of an event stream at once, before any event (a silent GET stream must still answer 200)", async () => {
    const url = await serve((res) => nodeResponse(res).start(200, { "content-type": "text/event-stream", "mcp-session-id": "s1.x" }));
    const started = Date.now();
    const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
    expect(res.status).toBe(200);
    expect(res.headers.get("mcp-session-id")).toBe("s1.x");
    expect(Date.now() - started).toBeLessThan(1000);
    await res.body?.cancel();
  });

  it("sends a JSON answer's head with its body", async () => {
    const url = await serve((res) => {
      const r = nodeResponse(res);
      r.start(200, { "content-type": "application/json", "content-length": "2" });
      r.end("{}");
    });
    const res = await fetch(url);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(await res.text()).toBe("{}");
  });
});

// The route-handler adapter: Next sends the head with the first body chunk.
describe("webResponse", () => {
  it("gives an event stream an empty first chunk at once, so that its head goes out before any event", async () => {
    const { response, res } = webResponse();
    res.start(200, { "content-type": "text/event-stream" });
    const reader = (await response).body!.getReader();
    const first = await Promise.race([reader.read(), new Promise<null>((r) => setTimeout(() => r(null), 500))]);
    expect(first).toEqual({ done: false, value: new Uint8Array(0) });
    const written = res.write("data: 1\n\n");
    expect(new TextDecoder().decode((await reader.read()).value)).toBe("data: 1\n\n");
    await written;
  });

  it("adds nothing to other answers", async () => {
    const { response, res } = webResponse();
    res.start(200, { "content-type": "application/json" });
    res.end("{}");
    expect(await (await response).text()).toBe("{}");
  });
});
