import { describe, expect, it } from "vitest";
import { safeCallbackUrl } from "./callback-url";

describe("safeCallbackUrl", () => {
  it("keeps same-site paths", () => {
    expect(safeCallbackUrl("/settings/members?tab=1")).toBe("/settings/members?tab=1");
  });
  it("falls back for other hosts and protocol-relative urls", () => {
    expect(safeCallbackUrl("https://evil.example/steal")).toBe("/dashboard");
    expect(safeCallbackUrl("//evil.example/x")).toBe("/dashboard");
    expect(safeCallbackUrl("javascript:alert(1)")).toBe("/dashboard");
  });
  it("falls back when empty", () => {
    expect(safeCallbackUrl(undefined)).toBe("/dashboard");
  });
});
