import { GATEWAY_ERROR } from "../jsonrpc";
import type { LegacyBridge } from "./bridge";
import { LegacyError } from "./errors";

// The legacy bridges of this process. Each holds an upstream connection and some memory, so
// their number is bounded (at the bound, the least recently used idle bridge is closed to make
// room; when none is idle, new legacy sessions are refused with 503), and bridges nobody has
// used for a while (no request waiting, no GET stream open) are closed.

export interface RegistryOptions {
  maxBridges: number;
  idleMs: number;
  now?: () => number;
  /** Called for each bridge once it closed (to forget its session history). */
  onClosed?: (bridge: LegacyBridge) => void;
}

export const DEFAULT_REGISTRY_OPTIONS: RegistryOptions = { maxBridges: 1_000, idleMs: 10 * 60 * 1000 };

export class LegacyBridgeRegistry {
  private readonly bridges = new Map<string, LegacyBridge>();
  private opening = 0;
  private readonly now: () => number;
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly opts: RegistryOptions = DEFAULT_REGISTRY_OPTIONS) {
    this.now = opts.now ?? Date.now;
    this.sweeper = setInterval(() => this.sweep(), Math.min(60_000, Math.max(1_000, opts.idleMs / 4)));
    this.sweeper.unref();
  }

  /** The bridge of this session, if this process has it and it belongs to this grant and server. */
  get(id: string, grantId: string, serverId: string): LegacyBridge | undefined {
    const bridge = this.bridges.get(id);
    if (!bridge || bridge.isClosed || bridge.identity.grantId !== grantId || bridge.identity.serverId !== serverId) return undefined;
    bridge.touch();
    return bridge;
  }

  /** Holds a place for a bridge being opened (that takes a round trip); returns its release. */
  reserve(): () => void {
    if (this.bridges.size + this.opening >= this.opts.maxBridges && !this.evictOne()) {
      throw new LegacyError(503, GATEWAY_ERROR, "Service Unavailable: this gateway has too many open legacy (HTTP+SSE) sessions; try again shortly", { "retry-after": "5" });
    }
    this.opening++;
    let released = false;
    return () => {
      if (!released) (released = true), this.opening--;
    };
  }

  add(bridge: LegacyBridge) {
    this.bridges.set(bridge.identity.id, bridge);
    bridge.onClose = () => {
      this.bridges.delete(bridge.identity.id);
      this.opts.onClosed?.(bridge);
    };
  }

  /** Closes the bridges idle for longer than the idle timeout. */
  sweep() {
    const cutoff = this.now() - this.opts.idleMs;
    for (const bridge of [...this.bridges.values()]) {
      if (!bridge.busy && bridge.lastActive < cutoff) bridge.close("the session was idle for too long");
    }
  }

  get size(): number {
    return this.bridges.size;
  }

  closeAll() {
    clearInterval(this.sweeper);
    for (const bridge of [...this.bridges.values()]) bridge.close("the gateway is shutting down");
  }

  /** Closes the least recently used idle bridge; false when every bridge is in use. */
  private evictOne(): boolean {
    let oldest: LegacyBridge | undefined;
    for (const bridge of this.bridges.values()) {
      if (!bridge.busy && (!oldest || bridge.lastActive < oldest.lastActive)) oldest = bridge;
    }
    oldest?.close("the gateway needed room for a new legacy session");
    return oldest !== undefined;
  }
}
