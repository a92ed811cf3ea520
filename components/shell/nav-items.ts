export const NAV_ITEMS = [
  { href: "/dashboard", label: "Overview" },
  { href: "/servers", label: "Servers" },
  { href: "/policies", label: "Policies" },
  { href: "/grants", label: "Grants" },
  { href: "/audit", label: "Audit" },
  { href: "/approvals", label: "Approvals" },
  { href: "/settings", label: "Settings" },
] as const;
