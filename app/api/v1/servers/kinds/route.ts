import { withOrgApi } from "@/lib/api/handler";
import { stdioPolicyFromEnv } from "@/gateway/stdio/stdio-policy";

// GET /api/v1/servers/kinds → which kinds of server this Toolgate accepts (command servers
// depend on the operator's TOOLGATE_STDIO), for the "Add server" form.
export const GET = withOrgApi({ permission: "org.read" }, async () => {
  const policy = stdioPolicyFromEnv();
  return Response.json({
    url: { enabled: true },
    command: { enabled: policy.mode !== "off", mode: policy.mode, allowlist: policy.mode === "allowlist" ? policy.allowlist : [] },
    connector: { enabled: true },
  });
});
