import { describe, expect, it } from "vitest";
import { ServerLogs } from "./server-log";

describe("ServerLogs", () => {
  it("keeps the last lines per server and reads after a sequence number", () => {
    const logs = new ServerLogs(3, 10);
    for (let i = 1; i <= 5; i++) logs.append("srv_a", "stderr", `line ${i}`, 42);
    logs.append("srv_b", "event", "started", 7);
    const a = logs.read("srv_a");
    expect(a.items.map((l) => l.text)).toEqual(["line 3", "line 4", "line 5"]);
    expect(logs.read("srv_a", a.items[1].seq).items.map((l) => l.text)).toEqual(["line 5"]);
    expect(logs.read("srv_a", a.next)).toEqual({ items: [], next: a.next });
    expect(logs.read("srv_b").items).toMatchObject([{ stream: "event", text: "started", pid: 7 }]);
    expect(logs.read("srv_none")).toEqual({ items: [], next: 0 });
  });

  it("caps long lines", () => {
    const logs = new ServerLogs(10, 5);
    logs.append("s", "stderr", "0123456789", null);
    expect(logs.read("s").items[0].text).toBe("01234…");
  });
});
