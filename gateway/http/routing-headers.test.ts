import { describe, expect, it } from "vitest";
import { calledTool, checkRoutingHeaders, decodeValue, headerDeclarations, HEADER_MISMATCH } from "./routing-headers";

// Headers as the gateway sees them: a real fetch Headers object (case-insensitive names, values
// as sent), looked up by lowercase name like GatewayRequest.header.
function lookup(headers: Record<string, string>) {
  const h = new Headers(headers);
  return (name: string) => h.get(name) ?? undefined;
}

const V = "2026-07-28";
const meta = { "io.modelcontextprotocol/protocolVersion": V, "io.modelcontextprotocol/clientInfo": { name: "t", version: "1" }, "io.modelcontextprotocol/clientCapabilities": {} };
const modern = (method: string, params: Record<string, unknown> = {}, id: number | undefined = 1) => ({ jsonrpc: "2.0", ...(id === undefined ? {} : { id }), method, params: { ...params, _meta: meta } });
const legacy = (method: string, params?: Record<string, unknown>) => ({ jsonrpc: "2.0", id: 1, method, ...(params ? { params } : {}) });
const std = (method: string, extra: Record<string, string> = {}) => ({ "MCP-Protocol-Version": V, "Mcp-Method": method, ...extra });
const b64 = (s: string) => `=?base64?${Buffer.from(s, "utf8").toString("base64")}?=`;

/** The spec's example tool (basic/transports/streamable-http.mdx, "Custom Headers from Tool Parameters"). */
const executeSql = {
  type: "object",
  properties: {
    region: { type: "string", "x-mcp-header": "Region" },
    query: { type: "string" },
    limit: { type: "integer", "x-mcp-header": "Limit" },
    dryRun: { type: "boolean", "x-mcp-header": "Dry-Run" },
    target: { type: "object", properties: { tenant: { type: "string", "x-mcp-header": "Tenant" } } },
    rows: { type: "array", items: { type: "object", properties: { id: { type: "string", "x-mcp-header": "Row" } } } },
  },
  required: ["region", "query"],
};
const sqlCall = (args: Record<string, unknown>) => modern("tools/call", { name: "execute_sql", arguments: args });
const sqlHeaders = (extra: Record<string, string> = {}) => std("tools/call", { "Mcp-Name": "execute_sql", ...extra });

describe("checkRoutingHeaders: requests of older revisions", () => {
  it("passes a legacy request that carries none of the headers, whatever it calls", () => {
    expect(checkRoutingHeaders(lookup({}), legacy("tools/call", { name: "execute_sql", arguments: { region: "us-west1", query: "q" } }), executeSql)).toBeNull();
    expect(checkRoutingHeaders(lookup({ "MCP-Protocol-Version": "2025-06-18" }), legacy("tools/list"))).toBeNull();
    expect(checkRoutingHeaders(lookup({ "MCP-Protocol-Version": "2025-11-25" }), legacy("initialize", { protocolVersion: "2025-11-25" }))).toBeNull();
  });

  it("still checks the routing headers a legacy request does carry", () => {
    const body = legacy("tools/call", { name: "get-env", arguments: {} });
    expect(checkRoutingHeaders(lookup({ "Mcp-Name": "echo" }), body)).toEqual({ header: "Mcp-Name", message: 'Header mismatch: the Mcp-Name header names "echo" but the body\'s params.name is "get-env"' });
    expect(checkRoutingHeaders(lookup({ "Mcp-Method": "tools/list" }), body)?.header).toBe("Mcp-Method");
    expect(checkRoutingHeaders(lookup({ "Mcp-Param-Region": "eu" }), legacy("tools/call", { name: "execute_sql", arguments: { region: "us-west1" } }), executeSql)?.header).toBe("Mcp-Param-Region");
    expect(checkRoutingHeaders(lookup({ "Mcp-Method": "tools/call", "Mcp-Name": "get-env" }), body)).toBeNull();
  });

  it("does not ask a legacy request for the headers a 2026-07-28 one must carry", () => {
    expect(checkRoutingHeaders(lookup({ "Mcp-Method": "tools/call" }), legacy("tools/call", { name: "execute_sql", arguments: { region: "us-west1" } }), executeSql)).toBeNull();
  });
});

describe("checkRoutingHeaders: MCP-Protocol-Version", () => {
  it("must equal the body's _meta protocol version", () => {
    expect(checkRoutingHeaders(lookup(std("tools/list")), modern("tools/list"))).toBeNull();
    const r = checkRoutingHeaders(lookup({ ...std("tools/list"), "MCP-Protocol-Version": "2025-11-25" }), modern("tools/list"));
    expect(r).toEqual({ header: "MCP-Protocol-Version", message: 'Header mismatch: the MCP-Protocol-Version header names "2025-11-25" but the body\'s _meta names "2026-07-28"' });
  });

  it("is required when the body carries a protocol version", () => {
    expect(checkRoutingHeaders(lookup({ "Mcp-Method": "tools/list" }), modern("tools/list"))?.message).toMatch(/MCP-Protocol-Version header is absent/);
  });

  it("naming 2026-07-28 or later needs the _meta protocol version in the body", () => {
    expect(checkRoutingHeaders(lookup(std("tools/list")), legacy("tools/list"))?.message).toMatch(/carries no io\.modelcontextprotocol\/protocolVersion/);
    expect(checkRoutingHeaders(lookup({ ...std("tools/list"), "MCP-Protocol-Version": "2027-01-01" }), legacy("tools/list"))?.header).toBe("MCP-Protocol-Version");
  });

  it("a notification need not carry the headers, but those it carries must agree", () => {
    const note = { jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: 1, _meta: meta } };
    expect(checkRoutingHeaders(lookup({}), note)).toBeNull();
    expect(checkRoutingHeaders(lookup({ "Mcp-Method": "notifications/progress" }), note)?.header).toBe("Mcp-Method");
    expect(checkRoutingHeaders(lookup({ "MCP-Protocol-Version": "2025-11-25" }), note)?.header).toBe("MCP-Protocol-Version");
  });
});

describe("checkRoutingHeaders: Mcp-Method", () => {
  it("must equal the body's method", () => {
    expect(checkRoutingHeaders(lookup(std("prompts/list")), modern("tools/list"))).toEqual({ header: "Mcp-Method", message: 'Header mismatch: the Mcp-Method header names "prompts/list" but the body\'s method is "tools/list"' });
  });

  it("is required on a 2026-07-28 request", () => {
    expect(checkRoutingHeaders(lookup({ "MCP-Protocol-Version": V }), modern("tools/list"))).toEqual({ header: "Mcp-Method", message: 'Header mismatch: the body\'s method is "tools/list" but the required Mcp-Method header is absent' });
  });

  it("values are case-sensitive, names are not, and whitespace around a value is not part of it", () => {
    expect(checkRoutingHeaders(lookup(std("TOOLS/LIST")), modern("tools/list"))?.header).toBe("Mcp-Method");
    expect(checkRoutingHeaders(lookup({ "mcp-protocol-version": V, "mcp-method": "tools/list" }), modern("tools/list"))).toBeNull();
    expect(checkRoutingHeaders(lookup({ "MCP-PROTOCOL-VERSION": V, "MCP-METHOD": "tools/list" }), modern("tools/list"))).toBeNull();
    // A lookup that does not trim (fetch's Headers does): the check itself ignores optional whitespace.
    const raw: Record<string, string> = { "mcp-protocol-version": ` ${V}\t`, "mcp-method": "  tools/call ", "mcp-name": "\t echo  " };
    expect(checkRoutingHeaders((n) => raw[n], modern("tools/call", { name: "echo" }))).toBeNull();
  });

  it("an empty header is present, and disagrees", () => {
    expect(checkRoutingHeaders(lookup(std("")), modern("tools/list"))?.header).toBe("Mcp-Method");
  });
});

describe("checkRoutingHeaders: Mcp-Name", () => {
  it("mirrors params.name for tools/call and prompts/get, params.uri for resources/read, params.taskId for tasks/*", () => {
    expect(checkRoutingHeaders(lookup(std("tools/call", { "Mcp-Name": "echo" })), modern("tools/call", { name: "echo", arguments: {} }))).toBeNull();
    expect(checkRoutingHeaders(lookup(std("prompts/get", { "Mcp-Name": "greet" })), modern("prompts/get", { name: "greet" }))).toBeNull();
    expect(checkRoutingHeaders(lookup(std("resources/read", { "Mcp-Name": "file:///projects/myapp/config.json" })), modern("resources/read", { uri: "file:///projects/myapp/config.json" }))).toBeNull();
    expect(checkRoutingHeaders(lookup(std("tasks/get", { "Mcp-Name": "task-1" })), modern("tasks/get", { taskId: "task-1" }))).toBeNull();
    expect(checkRoutingHeaders(lookup(std("resources/read", { "Mcp-Name": "file:///etc/passwd" })), modern("resources/read", { uri: "file:///tmp/x" }))).toEqual({
      header: "Mcp-Name",
      message: 'Header mismatch: the Mcp-Name header names "file:///etc/passwd" but the body\'s params.uri is "file:///tmp/x"',
    });
    expect(checkRoutingHeaders(lookup(std("prompts/get", { "Mcp-Name": "other" })), modern("prompts/get", { name: "greet" }))?.header).toBe("Mcp-Name");
  });

  it("must agree with the body", () => {
    expect(checkRoutingHeaders(lookup(std("tools/call", { "Mcp-Name": "wrong_tool_name" })), modern("tools/call", { name: "echo" }))?.message).toBe(
      'Header mismatch: the Mcp-Name header names "wrong_tool_name" but the body\'s params.name is "echo"',
    );
    // A name the body does not have (not a string) cannot agree with any header.
    expect(checkRoutingHeaders(lookup(std("tools/call", { "Mcp-Name": "echo" })), modern("tools/call", { name: 7 }))?.message).toMatch(/params\.name is 7/);
  });

  it("is required on a 2026-07-28 request whose body has the value, and only then", () => {
    expect(checkRoutingHeaders(lookup(std("tools/call")), modern("tools/call", { name: "echo" }))).toEqual({ header: "Mcp-Name", message: 'Header mismatch: the body\'s params.name is "echo" but the required Mcp-Name header is absent' });
    expect(checkRoutingHeaders(lookup(std("tools/list")), modern("tools/list"))).toBeNull();
  });

  it("is decoded from =?base64?…?= before the comparison, and a malformed one is refused", () => {
    expect(checkRoutingHeaders(lookup(std("tools/call", { "Mcp-Name": b64("天気") })), modern("tools/call", { name: "天気" }))).toBeNull();
    expect(checkRoutingHeaders(lookup(std("tools/call", { "Mcp-Name": b64("other") })), modern("tools/call", { name: "天気" }))?.message).toMatch(/names "other"/);
    expect(checkRoutingHeaders(lookup(std("tools/call", { "Mcp-Name": "=?base64?SGVsbG8?=" })), modern("tools/call", { name: "Hello" }))?.message).toMatch(/not a valid header value/);
  });

  it("a header carrying bytes outside visible ASCII is refused (Node passes them through as latin1)", () => {
    const raw: Record<string, string> = { "mcp-protocol-version": V, "mcp-method": "tools/call", "mcp-name": Buffer.from("天気", "utf8").toString("latin1") };
    expect(checkRoutingHeaders((n) => raw[n], modern("tools/call", { name: "天気" }))?.message).toMatch(/not a valid header value/);
  });
});

describe("checkRoutingHeaders: Mcp-Param-* from the tool's x-mcp-header properties", () => {
  it("passes the spec's example request", () => {
    expect(checkRoutingHeaders(lookup(sqlHeaders({ "Mcp-Param-Region": "us-west1" })), sqlCall({ region: "us-west1", query: "SELECT * FROM users" }), executeSql)).toBeNull();
  });

  it("refuses a header that disagrees with the argument, naming both", () => {
    expect(checkRoutingHeaders(lookup(sqlHeaders({ "Mcp-Param-Region": "eu-central1" })), sqlCall({ region: "us-west1", query: "q" }), executeSql)).toEqual({
      header: "Mcp-Param-Region",
      message: 'Header mismatch: the Mcp-Param-Region header carries "eu-central1" but the body\'s arguments.region is "us-west1"',
    });
  });

  it("decodes the spec's encoding examples (non-ASCII, padding, newline, a literal that looks like the sentinel)", () => {
    const cases: [string, string][] = [
      ["Hello, 世界", "=?base64?SGVsbG8sIOS4lueVjA==?="],
      [" padded ", "=?base64?IHBhZGRlZCA=?="],
      ["line1\nline2", "=?base64?bGluZTEKbGluZTI=?="],
      ["=?base64?literal?=", "=?base64?PT9iYXNlNjQ/bGl0ZXJhbD89?="],
    ];
    for (const [value, header] of cases) {
      expect(checkRoutingHeaders(lookup(sqlHeaders({ "Mcp-Param-Region": header })), sqlCall({ region: value, query: "q" }), executeSql), value).toBeNull();
      expect(checkRoutingHeaders(lookup(sqlHeaders({ "Mcp-Param-Region": header })), sqlCall({ region: `${value}x`, query: "q" }), executeSql)?.header, value).toBe("Mcp-Param-Region");
    }
  });

  it("refuses a Base64 payload with bad padding or characters outside the alphabet", () => {
    for (const header of ["=?base64?SGVsbG8?=", "=?base64?SGVs!!!bG8=?=", "=?base64?SGVsbG8===?=", "=?base64?SGV sbG8=?="]) {
      expect(checkRoutingHeaders(lookup(sqlHeaders({ "Mcp-Param-Region": header })), sqlCall({ region: "Hello", query: "q" }), executeSql)?.message, header).toMatch(/not a valid header value/);
    }
  });

  it("takes a value without the whole =?base64?…?= wrapper literally", () => {
    const h = Buffer.from("Hello").toString("base64");
    expect(checkRoutingHeaders(lookup(sqlHeaders({ "Mcp-Param-Region": h })), sqlCall({ region: h, query: "q" }), executeSql)).toBeNull();
    expect(checkRoutingHeaders(lookup(sqlHeaders({ "Mcp-Param-Region": `=?base64?${h}` })), sqlCall({ region: `=?base64?${h}`, query: "q" }), executeSql)).toBeNull();
    expect(checkRoutingHeaders(lookup(sqlHeaders({ "Mcp-Param-Region": h })), sqlCall({ region: "Hello", query: "q" }), executeSql)?.header).toBe("Mcp-Param-Region");
  });

  it("on a 2026-07-28 request, refuses an argument with a value but no header", () => {
    expect(checkRoutingHeaders(lookup(sqlHeaders()), sqlCall({ region: "us-west1", query: "q" }), executeSql)).toEqual({
      header: "Mcp-Param-Region",
      message: 'Header mismatch: the body\'s arguments.region is "us-west1" but the Mcp-Param-Region header is absent',
    });
  });

  it("expects no header for an absent or null argument, and refuses one that is sent anyway", () => {
    expect(checkRoutingHeaders(lookup(sqlHeaders()), sqlCall({ query: "q" }), executeSql)).toBeNull();
    expect(checkRoutingHeaders(lookup(sqlHeaders()), sqlCall({ region: null, query: "q" }), executeSql)).toBeNull();
    expect(checkRoutingHeaders(lookup(sqlHeaders({ "Mcp-Param-Region": "us-west1" })), sqlCall({ query: "q" }), executeSql)?.message).toMatch(/arguments\.region is absent/);
    expect(checkRoutingHeaders(lookup(sqlHeaders({ "Mcp-Param-Region": "us-west1" })), sqlCall({ region: null, query: "q" }), executeSql)?.message).toMatch(/arguments\.region is null/);
  });

  it("an empty string argument travels as an empty header", () => {
    expect(checkRoutingHeaders(lookup(sqlHeaders({ "Mcp-Param-Region": "" })), sqlCall({ region: "", query: "q" }), executeSql)).toBeNull();
    expect(checkRoutingHeaders(lookup(sqlHeaders({ "Mcp-Param-Region": "" })), sqlCall({ region: "us", query: "q" }), executeSql)?.header).toBe("Mcp-Param-Region");
  });

  it("compares integers as numbers and booleans as lowercase true/false", () => {
    const base = { region: "r", query: "q" };
    const h = { "Mcp-Param-Region": "r" };
    expect(checkRoutingHeaders(lookup(sqlHeaders({ ...h, "Mcp-Param-Limit": "42" })), sqlCall({ ...base, limit: 42 }), executeSql)).toBeNull();
    expect(checkRoutingHeaders(lookup(sqlHeaders({ ...h, "Mcp-Param-Limit": "42.0" })), sqlCall({ ...base, limit: 42 }), executeSql)).toBeNull();
    expect(checkRoutingHeaders(lookup(sqlHeaders({ ...h, "Mcp-Param-Limit": "-7" })), sqlCall({ ...base, limit: -7 }), executeSql)).toBeNull();
    expect(checkRoutingHeaders(lookup(sqlHeaders({ ...h, "Mcp-Param-Limit": "43" })), sqlCall({ ...base, limit: 42 }), executeSql)?.header).toBe("Mcp-Param-Limit");
    expect(checkRoutingHeaders(lookup(sqlHeaders({ ...h, "Mcp-Param-Dry-Run": "true" })), sqlCall({ ...base, dryRun: true }), executeSql)).toBeNull();
    expect(checkRoutingHeaders(lookup(sqlHeaders({ ...h, "Mcp-Param-Dry-Run": "True" })), sqlCall({ ...base, dryRun: true }), executeSql)?.header).toBe("Mcp-Param-Dry-Run");
    expect(checkRoutingHeaders(lookup(sqlHeaders({ ...h, "Mcp-Param-Dry-Run": "false" })), sqlCall({ ...base, dryRun: true }), executeSql)?.header).toBe("Mcp-Param-Dry-Run");
  });

  it("follows nested properties, finds the header whatever the case of its name, and ignores marks under items", () => {
    expect(checkRoutingHeaders(lookup(sqlHeaders({ "mcp-param-region": "r", "MCP-PARAM-TENANT": "acme" })), sqlCall({ region: "r", query: "q", target: { tenant: "acme" } }), executeSql)).toBeNull();
    expect(checkRoutingHeaders(lookup(sqlHeaders({ "Mcp-Param-Region": "r", "Mcp-Param-Tenant": "other" })), sqlCall({ region: "r", query: "q", target: { tenant: "acme" } }), executeSql)?.message).toMatch(/arguments\.target\.tenant is "acme"/);
    // rows[].id is marked under `items`, which the spec does not allow: no header is expected for it.
    expect(checkRoutingHeaders(lookup(sqlHeaders({ "Mcp-Param-Region": "r" })), sqlCall({ region: "r", query: "q", rows: [{ id: "1" }] }), executeSql)).toBeNull();
  });

  it("refuses a header for an argument no header can carry", () => {
    const schema = { type: "object", properties: { region: { "x-mcp-header": "Region" } } };
    expect(checkRoutingHeaders(lookup(sqlHeaders({ "Mcp-Param-Region": "x" })), sqlCall({ region: { nested: true } }), schema)?.message).toMatch(/which no header can carry/);
  });

  it("without the tool's input schema, checks no Mcp-Param-* header", () => {
    expect(checkRoutingHeaders(lookup(sqlHeaders({ "Mcp-Param-Region": "eu" })), sqlCall({ region: "us-west1", query: "q" }))).toBeNull();
    expect(checkRoutingHeaders(lookup(sqlHeaders({ "Mcp-Param-Region": "eu" })), sqlCall({ region: "us-west1", query: "q" }), null)).toBeNull();
  });
});

describe("checkRoutingHeaders: batches and other bodies", () => {
  it("no routing header can describe a batch", () => {
    const batch = [legacy("tools/list"), legacy("tools/call", { name: "echo" })];
    expect(checkRoutingHeaders(lookup({}), batch)).toBeNull();
    expect(checkRoutingHeaders(lookup({ "Mcp-Method": "tools/list" }), batch)?.message).toBe('Header mismatch: the Mcp-Method header names "tools/list" but the body is a batch of 2 messages');
    expect(checkRoutingHeaders(lookup({ "Mcp-Name": "echo" }), batch)?.header).toBe("Mcp-Name");
  });

  it("leaves a response or a non-JSON-RPC body to the shape check", () => {
    expect(checkRoutingHeaders(lookup(std("tools/list")), { jsonrpc: "2.0", id: 1, result: {} })).toBeNull();
    expect(checkRoutingHeaders(lookup(std("tools/list")), "text")).toBeNull();
  });
});

describe("helpers", () => {
  it("HEADER_MISMATCH is the spec's -32020", () => expect(HEADER_MISMATCH).toBe(-32020));

  it("calledTool names the tool of a tools/call, and nothing else", () => {
    expect(calledTool(legacy("tools/call", { name: "echo" }))).toBe("echo");
    expect(calledTool(legacy("tools/call", { name: 3 }))).toBeNull();
    expect(calledTool(legacy("tools/list"))).toBeNull();
    expect(calledTool([legacy("tools/call", { name: "echo" })])).toBeNull();
  });

  it("headerDeclarations lists reachable, valid, unique marks only", () => {
    const schema = {
      type: "object",
      properties: {
        a: { type: "string", "x-mcp-header": "A" },
        b: { type: "string", "x-mcp-header": "a" }, // case-insensitively the same as A
        c: { type: "string", "x-mcp-header": "has space" },
        d: { type: "string", "x-mcp-header": "" },
        e: { anyOf: [{ type: "string", "x-mcp-header": "E" }] },
        f: { type: "object", properties: { g: { type: "integer", "x-mcp-header": "G" } } },
      },
    };
    expect(headerDeclarations(schema)).toEqual([
      { name: "A", path: ["a"], type: "string" },
      { name: "G", path: ["f", "g"], type: "integer" },
    ]);
  });

  it("decodeValue: the sentinel decoded, everything else literal, bad payloads and unsafe characters refused", () => {
    expect(decodeValue("us-west1")).toBe("us-west1");
    expect(decodeValue("=?base64?SGVsbG8=?=")).toBe("Hello");
    expect(decodeValue("=?base64??=")).toBe("");
    expect(decodeValue("=?base64?=")).toBe("=?base64?=");
    expect(decodeValue("=?BASE64?SGVsbG8=?=")).toBe("=?BASE64?SGVsbG8=?="); // markers are case-sensitive
    expect(typeof decodeValue("=?base64?SGVsbG8?=")).toBe("symbol");
    expect(typeof decodeValue("=?base64?/w==?=")).toBe("symbol"); // 0xFF is not UTF-8
    expect(typeof decodeValue("a\u0000b")).toBe("symbol");
    expect(typeof decodeValue("caf\u00e9")).toBe("symbol");
  });
});
