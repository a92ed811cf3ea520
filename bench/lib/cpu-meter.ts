import { cpuSeconds, cpuTimes, treeCpuSeconds } from "./proc-stats";

// CPU time used by each process involved in a path while it is measured, per call answered.
// Unlike calls/s, this barely moves when other work shares the machine, so it is the figure to
// compare when the box is noisy (and it shows what PostgreSQL spends on the audit trail).
export type CpuRole = "gateway" | "gatewayKernel" | "upstream" | "postgres";
export type CpuPerCall = Partial<Record<CpuRole, number>>;

export function startCpuMeter(readers: Partial<Record<CpuRole, () => number>>) {
  const before = Object.fromEntries(Object.entries(readers).map(([k, read]) => [k, read()]));
  return (calls: number): CpuPerCall =>
    Object.fromEntries(Object.entries(readers).map(([k, read]) => [k, ((read() - before[k]) * 1e6) / Math.max(1, calls)]));
}

export const processCpu = (pid: number) => () => cpuSeconds(pid);
/** Only the kernel-mode part (system calls: socket writes and reads, epoll). */
export const processKernelCpu = (pid: number) => () => cpuTimes(pid).system;
export const treeCpu = (pid: number) => () => treeCpuSeconds(pid);
