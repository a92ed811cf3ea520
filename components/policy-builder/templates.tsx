"use client";

import { useState } from "react";
import { validatePolicyText } from "@/gateway/policy/validate";
import { Button } from "@/components/ui/button";
import { apiFetch } from "@/lib/client/api";
import type { InventoryTool } from "@/components/servers/types";
import { prettyPolicy } from "./draft-state";
import { INPUT } from "./rule-fields";

/** "Read-only": every Read tool of the inventory allowed, everything else denied. */
export function readOnlyPolicy(tools: Pick<InventoryTool, "name" | "risk">[]) {
  const rules: Record<string, object> = {};
  for (const t of tools) if (t.risk.category === "Read") rules[t.name] = {};
  return { version: "1", default: "deny", description: "read-only: Read tools allowed, the rest denied", tools: rules };
}

/** Start the draft from the recommended policy, from read-only, or from a pasted policy.json. */
export function Templates({ serverId, inventory, onPick }: { serverId: string; inventory: InventoryTool[]; onPick: (text: string) => void }) {
  const [open, setOpen] = useState(false);
  const [pasting, setPasting] = useState(false);
  const [pasted, setPasted] = useState("");
  const [errors, setErrors] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);

  async function recommended() {
    setBusy(true);
    try {
      const r = await apiFetch<{ document: unknown }>(`/api/v1/servers/${serverId}/policy/recommended`);
      onPick(prettyPolicy(r.document));
      setOpen(false);
    } catch (e) {
      setErrors([e instanceof Error ? e.message : String(e)]);
    } finally {
      setBusy(false);
    }
  }

  function usePasted() {
    const checked = validatePolicyText(pasted);
    if (!checked.ok) return setErrors(checked.errors.map((e) => `${e.path || "/"}${e.line ? ` (line ${e.line})` : ""}: ${e.message}`));
    onPick(prettyPolicy(checked.policy));
    setPasting(false);
    setOpen(false);
    setPasted("");
  }

  return (
    <div className="relative">
      <Button variant="secondary" className="py-1.5" aria-expanded={open} onClick={() => (setOpen((o) => !o), setErrors([]))}>
        Start from…
      </Button>
      {open && (
        <div className="absolute right-0 z-30 mt-1 w-[22rem] space-y-1 rounded-md bg-white p-2 shadow-lg ring-1 ring-zinc-200" role="group" aria-label="Templates">
          <TemplateButton title="Recommended policy" hint="Each tool in the lane its risk rating suggests; the rest denied." onClick={recommended} disabled={busy} />
          <TemplateButton title="Read-only" hint="Allow the Read tools, deny everything else." onClick={() => (onPick(prettyPolicy(readOnlyPolicy(inventory))), setOpen(false))} />
          <TemplateButton title="Paste a policy.json" hint="A PolicyLayer (or Toolgate) policy, used as it is." onClick={() => (setPasting(true), setErrors([]))} />
          {pasting && (
            <div className="space-y-2 border-t border-zinc-100 pt-2">
              <label className="block text-xs font-medium text-zinc-700">
                policy.json
                <textarea rows={8} spellCheck={false} className={`${INPUT} mt-0.5 font-mono text-xs`} value={pasted} onChange={(e) => setPasted(e.target.value)} placeholder='{ "version": "1", "default": "deny", "tools": { … } }' />
              </label>
              <div className="flex gap-2">
                <Button className="py-1" onClick={usePasted} disabled={!pasted.trim()}>
                  Use this policy
                </Button>
                <Button variant="ghost" className="py-1" onClick={() => setPasting(false)}>
                  Cancel
                </Button>
              </div>
            </div>
          )}
          {errors.length > 0 && (
            <ul className="rounded bg-red-50 px-2 py-1.5 text-xs text-red-800" role="alert">
              {errors.slice(0, 8).map((e, i) => (
                <li key={i}>{e}</li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}

function TemplateButton({ title, hint, onClick, disabled }: { title: string; hint: string; onClick: () => void; disabled?: boolean }) {
  return (
    <button type="button" onClick={onClick} disabled={disabled} className="block w-full rounded px-2.5 py-1.5 text-left hover:bg-zinc-50 disabled:opacity-50">
      <span className="block text-sm font-medium text-zinc-900">{title}</span>
      <span className="block text-xs text-zinc-500">{hint}</span>
    </button>
  );
}
