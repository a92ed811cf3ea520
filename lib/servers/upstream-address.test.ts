import { describe, expect, it } from "vitest";
import { checkUpstreamUrl, isPrivateAddress } from "./upstream-address";

describe("upstream addresses", () => {
  it("knows private, loopback, link-local and metadata addresses", () => {
    for (const ip of ["10.1.2.3", "127.0.0.1", "169.254.169.254", "172.16.0.1", "172.31.255.255", "192.168.1.1", "::1", "fd00::1", "fe80::1", "::ffff:10.0.0.1", "100.64.0.1"]) {
      expect(isPrivateAddress(ip), ip).toBe(true);
    }
    for (const ip of ["8.8.8.8", "172.32.0.1", "2606:4700::1111", "1.1.1.1"]) expect(isPrivateAddress(ip), ip).toBe(false);
  });
  it("refuses private upstreams when the operator says so, and allows them by default", async () => {
    const strict = { TOOLGATE_ALLOW_PRIVATE_UPSTREAMS: "false" };
    await expect(checkUpstreamUrl("http://127.0.0.1:3000/mcp", strict)).rejects.toThrow(/private, loopback or link-local/);
    await expect(checkUpstreamUrl("http://169.254.169.254/latest", strict)).rejects.toThrow(/private/);
    await expect(checkUpstreamUrl("http://127.0.0.1:3000/mcp", {})).resolves.toBeInstanceOf(URL);
  });
  it("refuses what is not an http(s) URL, and credentials in the URL", async () => {
    await expect(checkUpstreamUrl("ftp://x/y")).rejects.toThrow(/http/);
    await expect(checkUpstreamUrl("not a url")).rejects.toThrow(/full URL/);
    await expect(checkUpstreamUrl("https://u:p@example.com/mcp")).rejects.toThrow(/credentials/);
  });
});
