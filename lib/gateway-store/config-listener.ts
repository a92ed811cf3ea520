import pg from "pg";

// Listens on `toolgate_config` (see the config_change_notify migration) and calls onChange for
// every announced change. If the connection drops, changes may have been missed: onChange("*")
// is called, and the listener reconnects with backoff (and calls onChange("*") again when back).
export class ConfigListener {
  private client: pg.Client | null = null;
  private stopped = false;
  private retryMs = 250;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly databaseUrl: string,
    private readonly onChange: (what: string) => void,
  ) {}

  async start(): Promise<void> {
    await this.connect().catch(() => this.scheduleReconnect());
  }

  private async connect() {
    const client = new pg.Client({ connectionString: this.databaseUrl, keepAlive: true });
    client.on("notification", (n) => this.onChange(n.payload ?? "*"));
    client.on("error", () => this.lost(client));
    client.on("end", () => this.lost(client));
    await client.connect();
    await client.query("LISTEN toolgate_config");
    if (this.stopped) return void client.end().catch(() => {});
    this.client = client;
    this.retryMs = 250;
    this.onChange("*");
  }

  private lost(client: pg.Client) {
    if (this.client !== client) return;
    this.client = null;
    this.onChange("*");
    this.scheduleReconnect();
  }

  private scheduleReconnect() {
    if (this.stopped || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.connect().catch(() => this.scheduleReconnect());
    }, this.retryMs);
    this.timer.unref();
    this.retryMs = Math.min(this.retryMs * 2, 5000);
  }

  get connected() {
    return this.client !== null;
  }

  async stop() {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    const c = this.client;
    this.client = null;
    await c?.end().catch(() => {});
  }
}
