import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

/** Resident set size of a process in MiB, from /proc/<pid>/status (Linux). */
export function rssMiB(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]) / 1024;
}

/** Files and bytes the audit writer spilled to disk (it does when the database falls behind). */
export function spillUsage(dataDir: string): { files: number; bytes: number } {
  const dir = path.join(dataDir, "audit-spill");
  let files = 0, bytes = 0;
  try {
    for (const name of readdirSync(dir)) {
      files++;
      bytes += statSync(path.join(dir, name)).size;
    }
  } catch {
    /* no spill dir: nothing was ever spilled */
  }
  return { files, bytes };
}

const TICKS_PER_S = 100; // USER_HZ: /proc times are in clock ticks, 100 per second on Linux

/** CPU seconds a process has used so far in user and in kernel mode, from /proc/<pid>/stat. */
export function cpuTimes(pid: number): { user: number; system: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name (which may hold spaces, hence the last ")").
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return { user: Number(f[11]) / TICKS_PER_S, system: Number(f[12]) / TICKS_PER_S }; // utime, stime (fields 14, 15)
}

export function cpuSeconds(pid: number): number {
  const t = cpuTimes(pid);
  return t.user + t.system;
}

/**
 * CPU seconds of a process and its direct children (PostgreSQL: the postmaster and its backends),
 * including children that have exited (the parent's cutime/cstime, fields 16 and 17).
 */
export function treeCpuSeconds(rootPid: number): number {
  let total = 0;
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(name) === rootPid) total += (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / TICKS_PER_S;
      else if (Number(f[1]) === rootPid) total += (Number(f[11]) + Number(f[12])) / TICKS_PER_S;
    } catch {
      /* exited while we looked */
    }
  }
  return total;
}
