import { Card } from "@/components/ui/card";

export function Forbidden({ what, role }: { what: string; role: string }) {
  return (
    <Card className="p-6" role="alert">
      <h2 className="text-base font-semibold text-zinc-900">Admins only</h2>
      <p className="mt-1 text-sm text-zinc-600">
        Only admins can {what}. Your role in this organization is {role}; ask an admin to change it if you need access.
      </p>
    </Card>
  );
}
