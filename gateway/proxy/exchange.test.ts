import { describe, expect, it } from "vitest";
import { MemoryRateLimiter } from "../ratelimit";
import type { AuditEvent, GrantRecord, UpstreamConfig } from "../ports";
import type { Decision } from "../policy";
import { Exchange } from "./exchange";

const grant: GrantRecord = { id: "g1", orgId: "o1", serverId: "s1", label: "t", metadata: {}, policyId: null, auditArgumentValues: false };
const server: UpstreamConfig = { serverId: "s1", orgId: "o1", url: "http://127.0.0.1:1/mcp", transport: "auto", headers: {}, policyId: null };
const deny = { effect: "deny", rule: "/default", message: "no", reason: "no", limits: [] } as unknown as Decision;

describe("Exchange.recordCall", () => {
  it("keeps a bounded prefix and a digest of huge tool names, ids, argument names and messages", () => {
    const events: AuditEvent[] = [];
    const ex = new Exchange({ grant, server, sessionId: null, policy: null }, { record: (e) => events.push(e) }, new MemoryRateLimiter());
    const mb = (c: string) => c.repeat(1024 * 1024);
    const args = Object.fromEntries([[mb("k"), 1], ...Array.from({ length: 300 }, (_, i) => [`a${i}`, i])]);
    ex.recordCall({ id: mb("i"), tool: mb("t"), args, decision: deny, operation: mb("o") }, 1, mb("e"));
    ex.recordCall({ id: 1, tool: mb("t") + "x", args: {}, decision: deny }, 1, null);
    const [e, f] = events;
    // PostgreSQL's btree index on tool refuses values over ~2,700 bytes.
    expect(e.tool!.length).toBeLessThanOrEqual(256);
    expect(e.tool).toMatch(/^t+…\[1048576 chars, sha256:[\w-]{16}\]$/);
    expect(f.tool).not.toBe(e.tool);
    expect(e.requestId!.length).toBeLessThanOrEqual(256);
    // An agent chooses the operation's value as freely as the tool's name.
    expect(e.operation!.length).toBeLessThanOrEqual(256);
    expect(e.operation).toMatch(/^o+…\[1048576 chars, sha256:[\w-]{16}\]$/);
    expect(f.operation).toBeNull();
    expect(e.message!.length).toBeLessThanOrEqual(2048);
    expect(e.argKeys).toHaveLength(257);
    expect(e.argKeys[0].length).toBeLessThanOrEqual(256);
    expect(e.argKeys[256]).toBe("…(45 more)");
  });

  it("keeps ordinary values as they are", () => {
    const events: AuditEvent[] = [];
    const ex = new Exchange({ grant, server, sessionId: null, policy: null }, { record: (e) => events.push(e) }, new MemoryRateLimiter());
    ex.recordCall({ id: 7, tool: "echo", args: { message: "x" }, decision: deny }, 1, null);
    ex.recordCall({ id: 8, tool: "manage_aws_glue_jobs", args: { operation: "get-job" }, decision: deny, operation: "get-job" }, 1, null);
    expect(events[0]).toMatchObject({ tool: "echo", operation: null, requestId: "7", argKeys: ["message"], message: "no" });
    expect(events[1]).toMatchObject({ tool: "manage_aws_glue_jobs", operation: "get-job" });
  });
});
