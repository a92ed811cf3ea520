import { SectionTabs } from "@/components/ui/section-tabs";

const TABS = [
  { href: "/audit", label: "Decisions" },
  { href: "/audit/admin", label: "Admin log" },
];

export function AuditTabs() {
  return <SectionTabs label="Audit" tabs={TABS} />;
}
