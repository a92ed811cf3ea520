import type { Metadata } from "next";
import { requireViewer, viewerCan } from "@/lib/auth/viewer";
import { ApiKeysSettings } from "@/components/settings/api-keys-settings";
import { Forbidden } from "@/components/settings/forbidden";
import { ROLE_LABELS } from "@/lib/auth/permissions";

export const metadata: Metadata = { title: "API keys" };

export default async function ApiKeysPage() {
  const viewer = await requireViewer("/settings/api-keys");
  if (!viewerCan(viewer, "apikeys.manage")) return <Forbidden what="manage API keys" role={ROLE_LABELS[viewer.role]} />;
  return <ApiKeysSettings />;
}
