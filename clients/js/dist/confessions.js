var __defProp = Object.defineProperty;
var __defProps = Object.defineProperties;
var __getOwnPropDescs = Object.getOwnPropertyDescriptors;
var __getOwnPropSymbols = Object.getOwnPropertySymbols;
var __hasOwnProp = Object.prototype.hasOwnProperty;
var __propIsEnum = Object.prototype.propertyIsEnumerable;
var __defNormalProp = (obj, key, value) => key in obj ? __defProp(obj, key, { enumerable: true, configurable: true, writable: true, value }) : obj[key] = value;
var __spreadValues = (a, b) => {
  for (var prop in b || (b = {}))
    if (__hasOwnProp.call(b, prop))
      __defNormalProp(a, prop, b[prop]);
  if (__getOwnPropSymbols)
    for (var prop of __getOwnPropSymbols(b)) {
      if (__propIsEnum.call(b, prop))
        __defNormalProp(a, prop, b[prop]);
    }
  return a;
};
var __spreadProps = (a, b) => __defProps(a, __getOwnPropDescs(b));
var __objRest = (source, exclude) => {
  var target = {};
  for (var prop in source)
    if (__hasOwnProp.call(source, prop) && exclude.indexOf(prop) < 0)
      target[prop] = source[prop];
  if (source != null && __getOwnPropSymbols)
    for (var prop of __getOwnPropSymbols(source)) {
      if (exclude.indexOf(prop) < 0 && __propIsEnum.call(source, prop))
        target[prop] = source[prop];
    }
  return target;
};

// src/adapters/types.ts
function lowerCased(headers) {
  const out = {};
  for (const [name, value] of Object.entries(headers != null ? headers : {})) out[name.toLowerCase()] = String(value);
  return out;
}

// src/adapters/browser.ts
function browserAdapter() {
  return {
    socketHeaders: false,
    async request({ method, url, headers, body }) {
      const response = await fetch(url, { method, headers, body, credentials: "same-origin" });
      const names = {};
      response.headers.forEach((value, name) => {
        names[name] = value;
      });
      return { status: response.status, headers: lowerCased(names), text: await response.text() };
    },
    upload({ url, headers, field, file, onProgress }) {
      if (!("blob" in file)) return Promise.reject(new Error("browser uploads take a Blob"));
      return new Promise((resolve, reject) => {
        var _a, _b;
        const request = new XMLHttpRequest();
        request.open("POST", url);
        for (const [name, value] of Object.entries(headers)) request.setRequestHeader(name, value);
        request.upload.onprogress = (event) => {
          if (event.lengthComputable && onProgress) {
            onProgress(Math.round(100 * event.loaded / event.total));
          }
        };
        request.onload = () => {
          const retry = request.getResponseHeader("Retry-After");
          resolve({
            status: request.status,
            headers: retry ? { "retry-after": retry } : {},
            text: request.responseText
          });
        };
        request.onerror = () => reject(new Error("the upload did not reach the server"));
        const form = new FormData();
        form.append(field, file.blob, (_b = (_a = file.name) != null ? _a : file.blob.name) != null ? _b : "upload");
        request.send(form);
      });
    },
    connect(url, _headers, events) {
      const socket = new WebSocket(url);
      socket.onopen = () => events.onOpen();
      socket.onmessage = (message) => {
        if (typeof message.data === "string") events.onMessage(message.data);
      };
      socket.onclose = (event) => events.onClose(event.code);
      return {
        send: (text) => socket.send(text),
        close: (code) => socket.close(code != null ? code : 1e3)
      };
    },
    setTimeout: (callback, ms) => setTimeout(callback, ms),
    clearTimeout: (handle) => clearTimeout(handle)
  };
}

// src/adapters/wx.ts
function wxAdapter(wx) {
  return {
    socketHeaders: true,
    request({ method, url, headers, body }) {
      return new Promise((resolve, reject) => {
        wx.request({
          url,
          method,
          header: headers,
          data: body,
          // The body as the server sent it: the SDK parses it (and its error envelope).
          dataType: "\u5176\u4ED6",
          responseType: "text",
          success: (result) => resolve({
            status: result.statusCode,
            headers: lowerCased(result.header),
            text: typeof result.data === "string" ? result.data : JSON.stringify(result.data)
          }),
          fail: (error) => reject(new Error(error.errMsg))
        });
      });
    },
    upload({ url, headers, field, file, onProgress }) {
      if (!("path" in file)) return Promise.reject(new Error("wx uploads take a file path"));
      return new Promise((resolve, reject) => {
        const task = wx.uploadFile({
          url,
          filePath: file.path,
          name: field,
          header: headers,
          success: (result) => {
            var _a;
            return resolve({ status: result.statusCode, headers: {}, text: String((_a = result.data) != null ? _a : "") });
          },
          fail: (error) => reject(new Error(error.errMsg))
        });
        if (onProgress) task.onProgressUpdate((update) => onProgress(update.progress));
      });
    },
    connect(url, headers, events) {
      const task = wx.connectSocket({ url, header: headers });
      task.onOpen(() => events.onOpen());
      task.onMessage((message) => {
        if (typeof message.data === "string") events.onMessage(message.data);
      });
      task.onClose((result) => events.onClose(result.code));
      return {
        send: (text) => task.send({ data: text }),
        close: (code) => task.close({ code: code != null ? code : 1e3 })
      };
    },
    setTimeout: (callback, ms) => setTimeout(callback, ms),
    clearTimeout: (handle) => clearTimeout(handle)
  };
}

// src/live.ts
var NO_RECONNECT = /* @__PURE__ */ new Set([4403, 4409]);
var Live = class {
  constructor(client, options) {
    this.socket = null;
    this.open = false;
    this.stopped = true;
    this.retries = 0;
    this.timers = [];
    /** Why the socket last closed (its close code). */
    this.lastClose = null;
    var _a;
    this.client = client;
    this.options = options;
    this.after = (_a = options.after) != null ? _a : null;
  }
  /** Opens the socket; a second start while it runs does nothing. */
  async start() {
    var _a, _b, _c;
    if (!this.stopped) return;
    this.stopped = false;
    if (this.after === null) {
      const latest = await this.client.get("/notifications", { query: { order: "desc", limit: 1 } });
      this.after = (_c = (_b = (_a = latest == null ? void 0 : latest.results) == null ? void 0 : _a[0]) == null ? void 0 : _b.id) != null ? _c : 0;
    }
    await this.connect();
  }
  stop() {
    var _a;
    this.stopped = true;
    this.clearTimers();
    (_a = this.socket) == null ? void 0 : _a.close(1e3);
    this.socket = null;
    this.open = false;
  }
  /** Marks every notification up to `upTo` read. */
  ack(upTo) {
    this.sendFrame({ type: "ack", up_to: upTo });
  }
  ping() {
    this.sendFrame({ type: "ping" });
  }
  sendFrame(frame) {
    if (this.socket && this.open) this.socket.send(JSON.stringify(frame));
  }
  clearTimers() {
    this.timers.forEach((timer) => this.client.adapter.clearTimeout(timer));
    this.timers = [];
  }
  url(token) {
    const query = [];
    if (this.after !== null) query.push(`after=${this.after}`);
    if (!this.client.adapter.socketHeaders) query.push(`token=${encodeURIComponent(token)}`);
    const base = this.client.baseUrl.replace(/^http/, "ws");
    return `${base}/ws/notifications/${query.length ? `?${query.join("&")}` : ""}`;
  }
  async connect() {
    const token = await this.client.token().catch(() => null);
    if (this.stopped) return;
    if (!token) {
      this.reconnectLater();
      return;
    }
    const headers = this.client.adapter.socketHeaders ? { Authorization: `Bearer ${token}` } : {};
    let handle = null;
    handle = this.client.adapter.connect(this.url(token), headers, {
      onOpen: () => {
        var _a, _b;
        if (this.socket !== handle) return;
        this.open = true;
        this.retries = 0;
        (_b = (_a = this.options).onStatus) == null ? void 0 : _b.call(_a, true);
        this.scheduleRenewal();
      },
      onMessage: (text) => {
        if (this.socket !== handle) return;
        this.receive(text);
      },
      onClose: (code) => {
        if (this.socket !== handle) return;
        this.closed(code);
      }
    });
    this.socket = handle;
  }
  receive(text) {
    var _a, _b;
    let frame;
    try {
      frame = JSON.parse(text);
    } catch (e) {
      return;
    }
    if (typeof frame.id === "number") {
      if (this.after !== null && frame.id <= this.after) return;
      this.after = frame.id;
      this.options.onEvent(frame);
      if (this.options.autoAck) this.ack(frame.id);
    } else if (frame.type === "auth") {
      this.scheduleRenewal();
      (_b = (_a = this.options).onRenewed) == null ? void 0 : _b.call(_a, String(frame.expires_at));
    }
  }
  async closed(code) {
    var _a, _b;
    this.lastClose = code;
    this.open = false;
    this.socket = null;
    this.clearTimers();
    (_b = (_a = this.options).onStatus) == null ? void 0 : _b.call(_a, false);
    if (this.stopped || NO_RECONNECT.has(code)) return;
    if (code === 4401 && !await this.client.refresh().catch(() => false)) return;
    this.reconnectLater();
  }
  reconnectLater() {
    var _a, _b;
    const base = (_a = this.options.baseDelayMs) != null ? _a : 500;
    const ceiling = (_b = this.options.maxDelayMs) != null ? _b : 3e4;
    const delay = Math.min(ceiling, base * 2 ** this.retries++) * (0.5 + Math.random() / 2);
    this.timers.push(this.client.adapter.setTimeout(() => void this.connect(), delay));
  }
  /** A minute before the access token expires: a fresh one, handed to the open socket. */
  scheduleRenewal() {
    this.clearTimers();
    const wait = Math.max(5e3, this.client.accessExpiresAt - Date.now() - 6e4);
    this.timers.push(
      this.client.adapter.setTimeout(async () => {
        const renewed = await this.client.refresh().catch(() => false);
        const token = renewed ? await this.client.token() : null;
        if (token) this.sendFrame({ type: "auth", token });
      }, wait)
    );
  }
};

// src/client.ts
var API_PREFIX = "/api/v1";
var ApiError = class extends Error {
  constructor(status, body, retryAfter) {
    var _a, _b;
    const error = (_a = body == null ? void 0 : body.error) != null ? _a : {};
    super(typeof error.message === "string" ? error.message : `HTTP ${status}`);
    this.name = "ApiError";
    this.status = status;
    this.code = typeof error.code === "string" ? error.code : status ? "internal_error" : "network_error";
    this.fields = (_b = error.fields) != null ? _b : {};
    this.retryAfter = retryAfter;
    const _c2 = error, { code: _c, message: _m, fields: _f } = _c2, details = __objRest(_c2, ["code", "message", "fields"]);
    this.details = details;
  }
};
function memoryStorage() {
  let kept = null;
  return { load: () => kept, save: (tokens) => void (kept = tokens) };
}
function expiryOf(token) {
  try {
    const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const text = typeof atob === "function" ? atob(part) : String.fromCharCode(...base64Bytes(part));
    return JSON.parse(text).exp * 1e3;
  } catch (e) {
    return 0;
  }
}
function base64Bytes(text) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const bytes = [];
  let buffer = 0;
  let bits = 0;
  for (const char of text.replace(/=+$/, "")) {
    buffer = buffer << 6 | alphabet.indexOf(char);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push(buffer >> bits & 255);
    }
  }
  return bytes;
}
function encodeQuery(query) {
  const parts = [];
  for (const [name, value] of Object.entries(query != null ? query : {})) {
    if (value === void 0 || value === null) continue;
    parts.push(`${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`);
  }
  return parts.length ? `?${parts.join("&")}` : "";
}
function fillPath(path, values) {
  return path.replace(/\{(\w+)\}/g, (_, name) => {
    const value = values == null ? void 0 : values[name];
    if (value === void 0) throw new Error(`missing path parameter ${name}`);
    return encodeURIComponent(String(value));
  });
}
function parse(text) {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch (e) {
    return null;
  }
}
var Client = class {
  constructor(options) {
    this.access = null;
    this.refreshToken = null;
    this.refreshing = null;
    /** How many refreshes went to the server: one per expiry however many calls wait. */
    this.refreshes = 0;
    var _a, _b;
    this.options = options;
    this.adapter = options.adapter;
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.storage = (_a = options.storage) != null ? _a : memoryStorage();
    const kept = this.storage.load();
    if (kept && ((_b = options.session) != null ? _b : "pair") === "pair") {
      this.access = kept.access;
      this.refreshToken = kept.refresh;
    }
  }
  get signedIn() {
    return this.access !== null || this.refreshToken !== null;
  }
  /** The access token's expiry (ms since the epoch), 0 when there is none. */
  get accessExpiresAt() {
    return this.access ? expiryOf(this.access) : 0;
  }
  // --- signing in -------------------------------------------------------------------------
  /** `wx.login()`'s code, exchanged for a sign-in (an account is made the first time). */
  signInWithWeChat(code, displayName) {
    return this.signIn("/auth/wechat", __spreadValues({ code }, displayName ? { display_name: displayName } : {}));
  }
  signInWithPassword(username, password) {
    return this.signIn(this.cookie ? "/auth/web/login" : "/auth/login", { username, password });
  }
  register(username, password, displayName) {
    const body = __spreadValues({ username, password }, displayName ? { display_name: displayName } : {});
    return this.signIn(this.cookie ? "/auth/web/register" : "/auth/register", body);
  }
  async signOut() {
    try {
      if (this.cookie) await this.raw("post", "/auth/web/logout", void 0, this.webHeaders());
      else if (this.refreshToken) await this.call("post", "/auth/logout", { body: { refresh: this.refreshToken } });
    } catch (e) {
    }
    this.setTokens(null, null);
  }
  get cookie() {
    return this.options.session === "cookie";
  }
  webHeaders() {
    return { "X-Requested-With": "confessions-sdk" };
  }
  async signIn(path, body) {
    var _a;
    const extra = this.cookie ? this.webHeaders() : {};
    const answer = await this.raw("post", path, body, extra);
    const payload = answer;
    this.setTokens(payload.access, (_a = payload.refresh) != null ? _a : null);
    return payload.user;
  }
  setTokens(access, refresh) {
    var _a, _b;
    const was = this.signedIn;
    this.access = access;
    this.refreshToken = refresh;
    if (!this.cookie) this.storage.save(access && refresh ? { access, refresh } : null);
    if (was !== this.signedIn) (_b = (_a = this.options).onSignChange) == null ? void 0 : _b.call(_a, this.signedIn);
  }
  /** A fresh access token; false when there is no sign-in to renew. Calls made meanwhile
   * share this one refresh (the server rotates refresh tokens: two would race). */
  refresh() {
    if (!this.refreshing) {
      this.refreshing = this.refreshOnce().finally(() => {
        this.refreshing = null;
      });
    }
    return this.refreshing;
  }
  async refreshOnce() {
    var _a;
    if (!this.cookie && !this.refreshToken) return false;
    this.refreshes += 1;
    try {
      const answer = this.cookie ? await this.raw("post", "/auth/web/refresh", void 0, this.webHeaders()) : await this.raw("post", "/auth/refresh", { refresh: this.refreshToken });
      const payload = answer;
      this.setTokens(payload.access, (_a = payload.refresh) != null ? _a : this.refreshToken);
      return true;
    } catch (error) {
      if (error instanceof ApiError && (error.status === 401 || error.status === 400)) {
        this.setTokens(null, null);
        return false;
      }
      throw error;
    }
  }
  /** The access token, refreshed first when it expires within 30 s. */
  async token() {
    if (this.access && Date.now() < expiryOf(this.access) - 3e4) return this.access;
    if (!this.signedIn && !this.cookie) return null;
    return await this.refresh() ? this.access : null;
  }
  // --- calls ------------------------------------------------------------------------------
  get(path, options = {}) {
    return this.call("get", path, options);
  }
  post(path, options = {}) {
    return this.call("post", path, options);
  }
  put(path, options = {}) {
    return this.call("put", path, options);
  }
  patch(path, options = {}) {
    return this.call("patch", path, options);
  }
  delete(path, options = {}) {
    return this.call("delete", path, options);
  }
  /** Any call, untyped: `path` below /api/v1, or a `next` link of a page. */
  async call(method, path, options = {}) {
    const target = /^https?:/.test(path) ? this.ownUrl(path) : fillPath(path, options.path) + encodeQuery(options.query);
    return this.authorized((headers) => this.send(method, target, options.body, headers));
  }
  /** Upload a photo or video (POST /media), with progress 0-100. */
  async upload(file, onProgress) {
    const answer = await this.authorized(
      (headers) => this.adapter.upload({ url: `${this.baseUrl}${API_PREFIX}/media`, headers, field: "file", file, onProgress }).then((response) => this.settle(response))
    );
    return answer;
  }
  /** What wx.requestSubscribeMessage answered, recorded (POST /wechat/subscriptions). */
  recordSubscribeResult(answer) {
    return this.post("/wechat/subscriptions", { body: answer });
  }
  /** The notifications socket: one per app (see live.ts). */
  live(options) {
    return new Live(this, options);
  }
  ownUrl(url) {
    if (!url.startsWith(`${this.baseUrl}/`)) throw new Error(`not this API's link: ${url}`);
    return url.slice(this.baseUrl.length + API_PREFIX.length);
  }
  baseHeaders() {
    return __spreadValues({ Accept: "application/json" }, this.options.language ? { "Accept-Language": this.options.language } : {});
  }
  /** Runs `attempt` with the bearer token; after a 401 it refreshes once and tries again,
   * after a 429 it waits out a short Retry-After and tries again. */
  async authorized(attempt) {
    var _a;
    let refreshed = false;
    let waited = false;
    for (; ; ) {
      const bearer = await this.token();
      const headers = __spreadValues(__spreadValues({}, this.baseHeaders()), bearer ? { Authorization: `Bearer ${bearer}` } : {});
      try {
        return await attempt(headers);
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        if (error.status === 401 && bearer && !refreshed) {
          refreshed = true;
          if (this.access !== bearer || await this.refresh()) continue;
        }
        const limit = (_a = this.options.maxRetryWaitSeconds) != null ? _a : 10;
        if (error.status === 429 && !waited && error.retryAfter !== null && error.retryAfter <= limit) {
          waited = true;
          await new Promise((resolve) => this.adapter.setTimeout(() => resolve(null), error.retryAfter * 1e3));
          continue;
        }
        throw error;
      }
    }
  }
  async send(method, target, body, headers) {
    const response = await this.adapter.request({
      method: method.toUpperCase(),
      url: `${this.baseUrl}${API_PREFIX}${target}`,
      headers: body !== void 0 ? __spreadProps(__spreadValues({}, headers), { "Content-Type": "application/json" }) : headers,
      body: body !== void 0 ? JSON.stringify(body) : void 0
    });
    return this.settle(response);
  }
  /** A call with no bearer and no retry: the sign-in doors. */
  async raw(method, path, body, extra = {}) {
    return this.send(method, path, body, __spreadValues(__spreadValues({}, this.baseHeaders()), extra));
  }
  settle(response) {
    var _a;
    const payload = parse(response.text);
    if (response.status >= 200 && response.status < 300) return payload;
    const retry = Number.parseInt((_a = response.headers["retry-after"]) != null ? _a : "", 10);
    throw new ApiError(response.status, payload, Number.isNaN(retry) ? null : retry);
  }
};
function createClient(options) {
  return new Client(options);
}

// src/index.ts
function wxStorage(wx, key = "confessions.tokens") {
  return {
    load: () => wx.getStorageSync(key) || null,
    save: (tokens) => tokens ? wx.setStorageSync(key, tokens) : wx.removeStorageSync(key)
  };
}
function requestSubscribe(wx, client, templateIds) {
  return new Promise((resolve, reject) => {
    wx.requestSubscribeMessage({
      tmplIds: templateIds,
      success: (answer) => {
        client.recordSubscribeResult(answer).then(resolve, reject);
      },
      fail: (error) => reject(new Error(error.errMsg))
    });
  });
}
export {
  API_PREFIX,
  ApiError,
  Client,
  Live,
  NO_RECONNECT,
  browserAdapter,
  createClient,
  memoryStorage,
  requestSubscribe,
  wxAdapter,
  wxStorage
};
