// The notifications socket (docs/asyncapi: /api/asyncapi.json): one for the whole app. The
// token goes in a header where the platform can (wx.connectSocket), else in the query; it is
// renewed over the socket with an `auth` frame a minute before it expires; a drop reconnects
// with `?after=` the last notification seen and a growing, jittered delay, so nothing is
// missed or doubled. 4403 (banned) and 4409 (a newer socket of the user took this one's
// place) are not reconnected; 4401 refreshes the token first.

import type { Client } from "./client";

export interface Notification {
  id: number;
  type: string;
  created_at: string;
  data: Record<string, unknown>;
  preview: string | null;
}

export interface LiveOptions {
  onEvent(notification: Notification): void;
  /** Open (true) or not (false). */
  onStatus?(open: boolean): void;
  /** The last notification id already seen; without it, the socket starts from the newest. */
  after?: number;
  /** The socket's token was renewed over it: it lives until `expiresAt` (ISO 8601). */
  onRenewed?(expiresAt: string): void;
  /** Mark each notification read as it arrives (an `ack` frame). */
  autoAck?: boolean;
  /** First reconnection delay, doubled each failure up to `maxDelayMs`. */
  baseDelayMs?: number;
  maxDelayMs?: number;
}

export const NO_RECONNECT = new Set([4403, 4409]);

export class Live {
  private readonly client: Client;
  private readonly options: LiveOptions;
  private socket: { send(text: string): void; close(code?: number): void } | null = null;
  private open = false;
  private stopped = true;
  private retries = 0;
  private timers: unknown[] = [];
  /** The last notification id delivered: a reconnect asks for what came after it. */
  after: number | null;
  /** Why the socket last closed (its close code). */
  lastClose: number | null = null;

  constructor(client: Client, options: LiveOptions) {
    this.client = client;
    this.options = options;
    this.after = options.after ?? null;
  }

  /** Opens the socket; a second start while it runs does nothing. */
  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    if (this.after === null) {
      const latest = (await this.client.get("/notifications", { query: { order: "desc", limit: 1 } as never })) as {
        results?: { id: number }[];
      };
      this.after = latest?.results?.[0]?.id ?? 0;
    }
    await this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.clearTimers();
    this.socket?.close(1000);
    this.socket = null;
    this.open = false;
  }

  /** Marks every notification up to `upTo` read. */
  ack(upTo: number): void {
    this.sendFrame({ type: "ack", up_to: upTo });
  }

  ping(): void {
    this.sendFrame({ type: "ping" });
  }

  private sendFrame(frame: object): void {
    if (this.socket && this.open) this.socket.send(JSON.stringify(frame));
  }

  private clearTimers(): void {
    this.timers.forEach((timer) => this.client.adapter.clearTimeout(timer));
    this.timers = [];
  }

  private url(token: string): string {
    const query: string[] = [];
    if (this.after !== null) query.push(`after=${this.after}`);
    if (!this.client.adapter.socketHeaders) query.push(`token=${encodeURIComponent(token)}`);
    const base = this.client.baseUrl.replace(/^http/, "ws");
    return `${base}/ws/notifications/${query.length ? `?${query.join("&")}` : ""}`;
  }

  private async connect(): Promise<void> {
    const token = await this.client.token().catch(() => null);
    if (this.stopped) return;
    if (!token) {
      this.reconnectLater();
      return;
    }
    const headers: Record<string, string> = this.client.adapter.socketHeaders
      ? { Authorization: `Bearer ${token}` }
      : {};
    let handle: { send(text: string): void; close(code?: number): void } | null = null;
    handle = this.client.adapter.connect(this.url(token), headers, {
      onOpen: () => {
        if (this.socket !== handle) return;
        this.open = true;
        this.retries = 0;
        this.options.onStatus?.(true);
        this.scheduleRenewal();
      },
      onMessage: (text) => {
        if (this.socket !== handle) return;
        this.receive(text);
      },
      onClose: (code) => {
        if (this.socket !== handle) return;
        this.closed(code);
      },
    });
    this.socket = handle;
  }

  private receive(text: string): void {
    let frame: Record<string, unknown>;
    try {
      frame = JSON.parse(text);
    } catch {
      return;
    }
    if (typeof frame.id === "number") {
      if (this.after !== null && frame.id <= this.after) return;
      this.after = frame.id;
      this.options.onEvent(frame as unknown as Notification);
      if (this.options.autoAck) this.ack(frame.id);
    } else if (frame.type === "auth") {
      this.scheduleRenewal();
      this.options.onRenewed?.(String(frame.expires_at));
    }
  }

  private async closed(code: number): Promise<void> {
    this.lastClose = code;
    this.open = false;
    this.socket = null;
    this.clearTimers();
    this.options.onStatus?.(false);
    if (this.stopped || NO_RECONNECT.has(code)) return;
    if (code === 4401 && !(await this.client.refresh().catch(() => false))) return;
    this.reconnectLater();
  }

  private reconnectLater(): void {
    const base = this.options.baseDelayMs ?? 500;
    const ceiling = this.options.maxDelayMs ?? 30_000;
    const delay = Math.min(ceiling, base * 2 ** this.retries++) * (0.5 + Math.random() / 2);
    this.timers.push(this.client.adapter.setTimeout(() => void this.connect(), delay));
  }

  /** A minute before the access token expires: a fresh one, handed to the open socket. */
  private scheduleRenewal(): void {
    this.clearTimers();
    const wait = Math.max(5_000, this.client.accessExpiresAt - Date.now() - 60_000);
    this.timers.push(
      this.client.adapter.setTimeout(async () => {
        const renewed = await this.client.refresh().catch(() => false);
        const token = renewed ? await this.client.token() : null;
        if (token) this.sendFrame({ type: "auth", token });
      }, wait),
    );
  }
}
