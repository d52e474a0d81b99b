// The client every app of ours needs: tokens kept and refreshed (one refresh at a time,
// however many calls wait on it), a call retried once after a refresh, the error envelope as
// a typed ApiError, Retry-After honoured, uploads with progress, and the socket (live.ts).

import type { Adapter, HttpResponse, UploadSource } from "./adapters/types";
import type { paths } from "./schema";
import { Live, LiveOptions } from "./live";

export const API_PREFIX = "/api/v1";

type Method = "get" | "post" | "put" | "patch" | "delete";
type Paths = keyof paths;
/** The API's paths without their prefix: "/confessions/{confession_id}". */
export type ApiPath = Paths extends infer P ? (P extends `${typeof API_PREFIX}${infer R}` ? R : never) : never;
type Full<P extends ApiPath> = `${typeof API_PREFIX}${P}` & Paths;
type Operation<P extends ApiPath, M extends Method> = paths[Full<P>] extends Record<M, infer O>
  ? O
  : never;
/** The paths that have method M. */
export type PathsOf<M extends Method> = {
  [P in ApiPath]: paths[Full<P>] extends Record<M, object> ? P : never;
}[ApiPath];

type JsonOf<T> = T extends { content: { "application/json": infer J } } ? J : never;
type Parameters_<O> = O extends { parameters: infer R } ? R : never;
type PathParams<O> = Parameters_<O> extends { path?: infer A } ? A : never;
type QueryParams<O> = Parameters_<O> extends { query?: infer Q } ? Q : never;
type Body<O> = O extends { requestBody?: infer B } ? JsonOf<B> : never;
type Responses<O> = O extends { responses: infer R } ? R : never;
type SuccessStatus = 200 | 201 | 202;
/** What a call answers on success (null for a 204). */
export type Result<O> = {
  [S in keyof Responses<O>]: S extends SuccessStatus ? JsonOf<Responses<O>[S]> : never;
}[keyof Responses<O>] extends infer R
  ? [R] extends [never]
    ? null
    : R
  : never;
/** Every error `code` an operation lists, whatever its status. */
export type ErrorCode<O> = {
  [S in keyof Responses<O>]: JsonOf<Responses<O>[S]> extends { error: { code: infer C } } ? C : never;
}[keyof Responses<O>];

export interface CallOptions<O> {
  path?: PathParams<O>;
  query?: QueryParams<O>;
  body?: Body<O>;
}

/** An answer in the error envelope: `code` is the one to switch on (docs/api.md, and each
 * operation's listing in the OpenAPI document). */
export class ApiError<C extends string = string> extends Error {
  readonly status: number;
  readonly code: C;
  readonly fields: Record<string, string[]>;
  /** Seconds, for a 429 (or a 503 that says). */
  readonly retryAfter: number | null;
  /** More keys of the envelope: a sanction's `reason` and `until`. */
  readonly details: Record<string, unknown>;

  constructor(status: number, body: unknown, retryAfter: number | null) {
    const error = (body as { error?: Record<string, unknown> } | null)?.error ?? {};
    super(typeof error.message === "string" ? error.message : `HTTP ${status}`);
    this.name = "ApiError";
    this.status = status;
    this.code = (typeof error.code === "string" ? error.code : status ? "internal_error" : "network_error") as C;
    this.fields = (error.fields as Record<string, string[]>) ?? {};
    this.retryAfter = retryAfter;
    const { code: _c, message: _m, fields: _f, ...details } = error;
    this.details = details;
  }
}

/** Where the tokens live between launches (a mini program: wx.setStorageSync). */
export interface TokenStorage {
  load(): { access: string; refresh: string } | null;
  save(tokens: { access: string; refresh: string } | null): void;
}

export function memoryStorage(): TokenStorage {
  let kept: { access: string; refresh: string } | null = null;
  return { load: () => kept, save: (tokens) => void (kept = tokens) };
}

export interface ClientOptions {
  /** The site, without the API prefix: "https://confessions.example.com". */
  baseUrl: string;
  adapter: Adapter;
  /**
   * "pair" (a mini program, a native app): the access and refresh tokens in `storage`,
   * refreshed at /auth/refresh. "cookie" (our web client): the refresh token is an HttpOnly
   * cookie of /auth/web/, the access token kept in memory only.
   */
  session?: "pair" | "cookie";
  storage?: TokenStorage;
  /** Accept-Language of every call: the language of error messages. */
  language?: string;
  /** A 429 whose Retry-After is at most this is waited out and tried once more. */
  maxRetryWaitSeconds?: number;
  /** Told when the sign-in ends (a refresh refused) or starts. */
  onSignChange?: (signedIn: boolean) => void;
}

function expiryOf(token: string): number {
  try {
    const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const text =
      typeof atob === "function" ? atob(part) : String.fromCharCode(...base64Bytes(part));
    return JSON.parse(text).exp * 1000;
  } catch {
    return 0;
  }
}

// A mini program has no atob.
function base64Bytes(text: string): number[] {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const bytes: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const char of text.replace(/=+$/, "")) {
    buffer = (buffer << 6) | alphabet.indexOf(char);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((buffer >> bits) & 0xff);
    }
  }
  return bytes;
}

function encodeQuery(query: Record<string, unknown> | undefined): string {
  const parts: string[] = [];
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null) continue;
    parts.push(`${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`);
  }
  return parts.length ? `?${parts.join("&")}` : "";
}

function fillPath(path: string, values: Record<string, unknown> | undefined): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = values?.[name];
    if (value === undefined) throw new Error(`missing path parameter ${name}`);
    return encodeURIComponent(String(value));
  });
}

function parse(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export class Client {
  readonly adapter: Adapter;
  readonly baseUrl: string;
  private readonly options: ClientOptions;
  private readonly storage: TokenStorage;
  private access: string | null = null;
  private refreshToken: string | null = null;
  private refreshing: Promise<boolean> | null = null;
  /** How many refreshes went to the server: one per expiry however many calls wait. */
  refreshes = 0;

  constructor(options: ClientOptions) {
    this.options = options;
    this.adapter = options.adapter;
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.storage = options.storage ?? memoryStorage();
    const kept = this.storage.load();
    if (kept && (options.session ?? "pair") === "pair") {
      this.access = kept.access;
      this.refreshToken = kept.refresh;
    }
  }

  get signedIn(): boolean {
    return this.access !== null || this.refreshToken !== null;
  }

  /** The access token's expiry (ms since the epoch), 0 when there is none. */
  get accessExpiresAt(): number {
    return this.access ? expiryOf(this.access) : 0;
  }

  // --- signing in -------------------------------------------------------------------------

  /** `wx.login()`'s code, exchanged for a sign-in (an account is made the first time). */
  signInWithWeChat(code: string, displayName?: string) {
    return this.signIn("/auth/wechat", { code, ...(displayName ? { display_name: displayName } : {}) });
  }

  signInWithPassword(username: string, password: string) {
    return this.signIn(this.cookie ? "/auth/web/login" : "/auth/login", { username, password });
  }

  register(username: string, password: string, displayName?: string) {
    const body = { username, password, ...(displayName ? { display_name: displayName } : {}) };
    return this.signIn(this.cookie ? "/auth/web/register" : "/auth/register", body);
  }

  async signOut(): Promise<void> {
    try {
      if (this.cookie) await this.raw("post", "/auth/web/logout", undefined, this.webHeaders());
      else if (this.refreshToken) await this.call("post", "/auth/logout", { body: { refresh: this.refreshToken } });
    } catch {
      // Signed out here whatever the server said.
    }
    this.setTokens(null, null);
  }

  private get cookie(): boolean {
    return this.options.session === "cookie";
  }

  private webHeaders(): Record<string, string> {
    // What the /auth/web/ doors want of a same-site request (accounts/api/views.py).
    return { "X-Requested-With": "confessions-sdk" };
  }

  private async signIn(path: string, body: object): Promise<Record<string, unknown>> {
    const extra = this.cookie ? this.webHeaders() : {};
    const answer = await this.raw("post", path, body, extra);
    const payload = answer as { access: string; refresh?: string; user: Record<string, unknown> };
    this.setTokens(payload.access, payload.refresh ?? null);
    return payload.user;
  }

  private setTokens(access: string | null, refresh: string | null): void {
    const was = this.signedIn;
    this.access = access;
    this.refreshToken = refresh;
    if (!this.cookie) this.storage.save(access && refresh ? { access, refresh } : null);
    if (was !== this.signedIn) this.options.onSignChange?.(this.signedIn);
  }

  /** A fresh access token; false when there is no sign-in to renew. Calls made meanwhile
   * share this one refresh (the server rotates refresh tokens: two would race). */
  refresh(): Promise<boolean> {
    if (!this.refreshing) {
      this.refreshing = this.refreshOnce().finally(() => {
        this.refreshing = null;
      });
    }
    return this.refreshing;
  }

  private async refreshOnce(): Promise<boolean> {
    if (!this.cookie && !this.refreshToken) return false;
    this.refreshes += 1;
    try {
      const answer = this.cookie
        ? await this.raw("post", "/auth/web/refresh", undefined, this.webHeaders())
        : await this.raw("post", "/auth/refresh", { refresh: this.refreshToken });
      const payload = answer as { access: string; refresh?: string };
      this.setTokens(payload.access, payload.refresh ?? this.refreshToken);
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
  async token(): Promise<string | null> {
    if (this.access && Date.now() < expiryOf(this.access) - 30_000) return this.access;
    if (!this.signedIn && !this.cookie) return null;
    return (await this.refresh()) ? this.access : null;
  }

  // --- calls ------------------------------------------------------------------------------

  get<P extends PathsOf<"get">>(path: P, options: CallOptions<Operation<P, "get">> = {}) {
    return this.call("get", path, options) as Promise<Result<Operation<P, "get">>>;
  }

  post<P extends PathsOf<"post">>(path: P, options: CallOptions<Operation<P, "post">> = {}) {
    return this.call("post", path, options) as Promise<Result<Operation<P, "post">>>;
  }

  put<P extends PathsOf<"put">>(path: P, options: CallOptions<Operation<P, "put">> = {}) {
    return this.call("put", path, options) as Promise<Result<Operation<P, "put">>>;
  }

  patch<P extends PathsOf<"patch">>(path: P, options: CallOptions<Operation<P, "patch">> = {}) {
    return this.call("patch", path, options) as Promise<Result<Operation<P, "patch">>>;
  }

  delete<P extends PathsOf<"delete">>(path: P, options: CallOptions<Operation<P, "delete">> = {}) {
    return this.call("delete", path, options) as Promise<Result<Operation<P, "delete">>>;
  }

  /** Any call, untyped: `path` below /api/v1, or a `next` link of a page. */
  async call(
    method: Method,
    path: string,
    options: { path?: unknown; query?: unknown; body?: unknown } = {},
  ): Promise<unknown> {
    const target = /^https?:/.test(path)
      ? this.ownUrl(path)
      : fillPath(path, options.path as Record<string, unknown>) + encodeQuery(options.query as Record<string, unknown>);
    return this.authorized((headers) => this.send(method, target, options.body, headers));
  }

  /** Upload a photo or video (POST /media), with progress 0-100. */
  async upload(file: UploadSource, onProgress?: (percent: number) => void) {
    const answer = await this.authorized((headers) =>
      this.adapter
        .upload({ url: `${this.baseUrl}${API_PREFIX}/media`, headers, field: "file", file, onProgress })
        .then((response) => this.settle(response)),
    );
    return answer as Result<Operation<"/media", "post">>;
  }

  /** What wx.requestSubscribeMessage answered, recorded (POST /wechat/subscriptions). */
  recordSubscribeResult(answer: Record<string, string>) {
    return this.post("/wechat/subscriptions", { body: answer as never });
  }

  /** The notifications socket: one per app (see live.ts). */
  live(options: LiveOptions): Live {
    return new Live(this, options);
  }

  private ownUrl(url: string): string {
    if (!url.startsWith(`${this.baseUrl}/`)) throw new Error(`not this API's link: ${url}`);
    return url.slice(this.baseUrl.length + API_PREFIX.length);
  }

  private baseHeaders(): Record<string, string> {
    return { Accept: "application/json", ...(this.options.language ? { "Accept-Language": this.options.language } : {}) };
  }

  /** Runs `attempt` with the bearer token; after a 401 it refreshes once and tries again,
   * after a 429 it waits out a short Retry-After and tries again. */
  private async authorized(attempt: (headers: Record<string, string>) => Promise<unknown>): Promise<unknown> {
    let refreshed = false;
    let waited = false;
    for (;;) {
      const bearer = await this.token();
      const headers = { ...this.baseHeaders(), ...(bearer ? { Authorization: `Bearer ${bearer}` } : {}) };
      try {
        return await attempt(headers);
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        if (error.status === 401 && bearer && !refreshed) {
          refreshed = true;
          // Another call may have refreshed meanwhile: then its token is tried, else a refresh.
          if (this.access !== bearer || (await this.refresh())) continue;
        }
        const limit = this.options.maxRetryWaitSeconds ?? 10;
        if (error.status === 429 && !waited && error.retryAfter !== null && error.retryAfter <= limit) {
          waited = true;
          await new Promise((resolve) => this.adapter.setTimeout(() => resolve(null), error.retryAfter! * 1000));
          continue;
        }
        throw error;
      }
    }
  }

  private async send(method: Method, target: string, body: unknown, headers: Record<string, string>) {
    const response = await this.adapter.request({
      method: method.toUpperCase(),
      url: `${this.baseUrl}${API_PREFIX}${target}`,
      headers: body !== undefined ? { ...headers, "Content-Type": "application/json" } : headers,
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    return this.settle(response);
  }

  /** A call with no bearer and no retry: the sign-in doors. */
  private async raw(method: Method, path: string, body?: unknown, extra: Record<string, string> = {}) {
    return this.send(method, path, body, { ...this.baseHeaders(), ...extra });
  }

  private settle(response: HttpResponse): unknown {
    const payload = parse(response.text);
    if (response.status >= 200 && response.status < 300) return payload;
    const retry = Number.parseInt(response.headers["retry-after"] ?? "", 10);
    throw new ApiError(response.status, payload, Number.isNaN(retry) ? null : retry);
  }
}

export function createClient(options: ClientOptions): Client {
  return new Client(options);
}
