import { EmptyState } from "@/components/ui/empty-state";
import { ButtonLink } from "@/components/ui/button";

export default function ServerNotFound() {
  return (
    <EmptyState
      title="No such server"
      body="This server does not exist in the organization you are working in: it may have been deleted, or it belongs to another organization."
      action={<ButtonLink href="/servers">All servers</ButtonLink>}
    />
  );
}
