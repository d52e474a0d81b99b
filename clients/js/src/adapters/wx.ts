// The mini program's platform: wx.request, wx.uploadFile (with progress), wx.connectSocket.
// `wx` is passed in (not the global) so the same code runs in the Node test harness.

import { Adapter, HttpResponse, SocketEvents, lowerCased } from "./types";

/** The part of the `wx` object the SDK uses (miniprogram-api-typings' `WechatMiniprogram.Wx`
 * satisfies it). */
export type WxLike = Pick<
  WechatMiniprogram.Wx,
  "request" | "uploadFile" | "connectSocket" | "requestSubscribeMessage"
>;

export function wxAdapter(wx: WxLike): Adapter {
  return {
    socketHeaders: true,
    request({ method, url, headers, body }) {
      return new Promise<HttpResponse>((resolve, reject) => {
        wx.request({
          url,
          method: method as WechatMiniprogram.RequestOption["method"],
          header: headers,
          data: body,
          // The body as the server sent it: the SDK parses it (and its error envelope).
          dataType: "其他",
          responseType: "text",
          success: (result) =>
            resolve({
              status: result.statusCode,
              headers: lowerCased(result.header as Record<string, unknown>),
              text: typeof result.data === "string" ? result.data : JSON.stringify(result.data),
            }),
          fail: (error) => reject(new Error(error.errMsg)),
        });
      });
    },
    upload({ url, headers, field, file, onProgress }) {
      if (!("path" in file)) return Promise.reject(new Error("wx uploads take a file path"));
      return new Promise<HttpResponse>((resolve, reject) => {
        const task = wx.uploadFile({
          url,
          filePath: file.path,
          name: field,
          header: headers,
          success: (result) =>
            resolve({ status: result.statusCode, headers: {}, text: String(result.data ?? "") }),
          fail: (error) => reject(new Error(error.errMsg)),
        });
        if (onProgress) task.onProgressUpdate((update) => onProgress(update.progress));
      });
    },
    connect(url, headers, events: SocketEvents) {
      const task = wx.connectSocket({ url, header: headers });
      task.onOpen(() => events.onOpen());
      task.onMessage((message) => {
        if (typeof message.data === "string") events.onMessage(message.data);
      });
      task.onClose((result) => events.onClose(result.code));
      return {
        send: (text) => task.send({ data: text }),
        close: (code) => task.close({ code: code ?? 1000 }),
      };
    },
    setTimeout: (callback, ms) => setTimeout(callback, ms),
    clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  };
}
