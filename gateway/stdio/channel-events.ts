import type { ChannelExit } from "./types";

/**
 * The listener half of a MessageChannel, the same for a local child process and a connector's
 * remote one: message listeners, and exit listeners told once (at once when added after the exit).
 */
export abstract class ChannelEvents {
  private readonly messageListeners: ((m: string) => void)[] = [];
  private readonly exitListeners: ((e: ChannelExit) => void)[] = [];
  /** How the process ended, once it has. */
  protected exit: ChannelExit | null = null;

  onMessage(listener: (m: string) => void) {
    this.messageListeners.push(listener);
  }

  onExit(listener: (e: ChannelExit) => void) {
    if (this.exit) listener(this.exit);
    else this.exitListeners.push(listener);
  }

  protected emitMessage(message: string) {
    for (const l of this.messageListeners) l(message);
  }

  /** Records the exit and tells the listeners, once. */
  protected emitExit(exit: ChannelExit) {
    if (this.exit) return;
    this.exit = exit;
    for (const l of this.exitListeners) l(exit);
  }
}
