// The notifications socket: the access token in the query string (a browser cannot set a
// header on a WebSocket), renewed over the socket with an `auth` frame before it expires, and
// on a drop reconnected with `?after=` the last notification seen, so nothing is missed.

import { accessExpiresAt, api, refresh, token } from "./api.js";

const NO_RECONNECT = new Set([4403, 4409]); // banned; a newer page holds the socket

export class Live {
  constructor({ onEvent, onStatus }) {
    this.onEvent = onEvent;
    this.onStatus = onStatus;
    this.after = null;
    this.socket = null;
    this.stopped = true;
    this.retries = 0;
    this.timers = [];
  }

  async start() {
    this.stopped = false;
    if (this.after === null) {
      const latest = await api("GET", "/notifications?order=desc&limit=1").catch(() => null);
      this.after = latest?.results?.[0]?.id ?? 0;
    }
    await this.connect();
  }

  stop() {
    this.stopped = true;
    this.clearTimers();
    this.socket?.close(1000);
    this.socket = null;
  }

  clearTimers() {
    this.timers.forEach(clearTimeout);
    this.timers = [];
  }

  async connect() {
    const bearer = await token();
    if (!bearer || this.stopped) return;
    const query = new URLSearchParams({ token: bearer });
    if (this.after !== null) query.set("after", String(this.after));
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const socket = new WebSocket(`${scheme}://${location.host}/ws/notifications/?${query}`);
    this.socket = socket;
    socket.onopen = () => {
      this.retries = 0;
      this.onStatus(true);
      this.scheduleRenewal();
    };
    socket.onmessage = (message) => {
      let frame;
      try {
        frame = JSON.parse(message.data);
      } catch {
        return;
      }
      if (typeof frame.id === "number") {
        if (frame.id <= this.after) return;
        this.after = frame.id;
        this.onEvent(frame);
      } else if (frame.type === "auth") {
        this.scheduleRenewal();
      }
    };
    socket.onclose = async (event) => {
      if (this.socket !== socket) return;
      this.clearTimers();
      this.onStatus(false);
      if (this.stopped || NO_RECONNECT.has(event.code)) return;
      if (event.code === 4401 && !(await refresh().catch(() => false))) return;
      const delay = Math.min(30_000, 500 * 2 ** this.retries++) * (0.5 + Math.random() / 2);
      this.timers.push(setTimeout(() => this.connect(), delay));
    };
  }

  // A minute before the token expires: a fresh one, handed to the open socket.
  scheduleRenewal() {
    this.clearTimers();
    const wait = Math.max(5_000, accessExpiresAt() - Date.now() - 60_000);
    this.timers.push(setTimeout(async () => {
      const bearer = (await refresh().catch(() => false)) ? await token() : null;
      if (bearer && this.socket?.readyState === WebSocket.OPEN) {
        this.socket.send(JSON.stringify({ type: "auth", token: bearer }));
      }
    }, wait));
  }
}
