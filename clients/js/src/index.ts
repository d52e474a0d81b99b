// @confessions/sdk: a typed client of the Confessions backend (docs/mini-program.md).
//
//   import { createClient, wxAdapter, wxStorage } from "./confessions.js";
//   const api = createClient({ baseUrl: "https://example.com", adapter: wxAdapter(wx),
//                              storage: wxStorage(wx) });

import type { WxLike } from "./adapters/wx";
import type { Client, TokenStorage } from "./client";

export { browserAdapter } from "./adapters/browser";
export { wxAdapter } from "./adapters/wx";
export type { WxLike } from "./adapters/wx";
export type { Adapter, HttpRequest, HttpResponse, UploadSource } from "./adapters/types";
export { ApiError, Client, createClient, memoryStorage, API_PREFIX } from "./client";
export type { ApiPath, ClientOptions, ErrorCode, PathsOf, Result, TokenStorage } from "./client";
export { Live, NO_RECONNECT } from "./live";
export type { LiveOptions, Notification } from "./live";
export type { components, operations, paths } from "./schema";

/** Tokens kept in the mini program's storage, across launches. */
export function wxStorage(
  wx: Pick<WechatMiniprogram.Wx, "getStorageSync" | "setStorageSync" | "removeStorageSync">,
  key = "confessions.tokens",
): TokenStorage {
  return {
    load: () => wx.getStorageSync(key) || null,
    save: (tokens) => (tokens ? wx.setStorageSync(key, tokens) : wx.removeStorageSync(key)),
  };
}

/** Asks for subscribe messages (it must run in a tap's handler) and records the answer. */
export function requestSubscribe(
  wx: Pick<WxLike, "requestSubscribeMessage">,
  client: Client,
  templateIds: string[],
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    wx.requestSubscribeMessage({
      tmplIds: templateIds,
      success: (answer) => {
        client.recordSubscribeResult(answer as unknown as Record<string, string>).then(resolve, reject);
      },
      fail: (error) => reject(new Error(error.errMsg)),
    });
  });
}
