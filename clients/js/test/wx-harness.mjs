// The test harness: a `wx` object for Node, made of Node's fetch and http and the `ws`
// WebSocket client, speaking to a real server. It plays WeChat's client runtime (wx.request,
// wx.uploadFile, wx.connectSocket, wx.requestSubscribeMessage) as documented, so the SDK's
// `wx` adapter runs unchanged; it is not a stand-in for any code of ours.

import { readFileSync } from "node:fs";
import http from "node:http";
import { basename } from "node:path";
import WebSocket from "ws";

export function makeWx({ subscribeAnswer = "accept" } = {}) {
  const sockets = new Set();
  const wx = {
    request({ url, method = "GET", header = {}, data, success, fail }) {
      fetch(url, { method, headers: header, body: data })
        .then(async (response) => {
          const headers = {};
          response.headers.forEach((value, name) => {
            headers[name] = value;
          });
          success?.({ statusCode: response.status, header: headers, data: await response.text() });
        })
        .catch((error) => fail?.({ errMsg: `request:fail ${error.message}` }));
      return { abort() {} };
    },

    // Multipart by hand, written in chunks so progress is reported as the bytes go, as
    // wx.uploadFile's onProgressUpdate does.
    uploadFile({ url, filePath, name, header = {}, formData = {}, success, fail }) {
      const listeners = [];
      const boundary = `----wxharness${Date.now().toString(16)}`;
      const parts = [];
      for (const [field, value] of Object.entries(formData)) {
        parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${field}"\r\n\r\n${value}\r\n`));
      }
      parts.push(
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${basename(filePath)}"\r\n` +
            "Content-Type: application/octet-stream\r\n\r\n",
        ),
        readFileSync(filePath),
        Buffer.from(`\r\n--${boundary}--\r\n`),
      );
      const body = Buffer.concat(parts);
      const request = http.request(url, {
        method: "POST",
        headers: { ...header, "Content-Type": `multipart/form-data; boundary=${boundary}`, "Content-Length": body.length },
      });
      request.on("response", (response) => {
        const chunks = [];
        response.on("data", (chunk) => chunks.push(chunk));
        response.on("end", () => success?.({ statusCode: response.statusCode, data: Buffer.concat(chunks).toString() }));
      });
      request.on("error", (error) => fail?.({ errMsg: `uploadFile:fail ${error.message}` }));
      // As wx does: progress comes after the call returned its task, as the bytes go.
      const step = Math.max(1, Math.ceil(body.length / 8));
      (async () => {
        for (let sent = 0; sent < body.length; sent += step) {
          await new Promise((resolve) => setImmediate(resolve));
          request.write(body.subarray(sent, sent + step));
          const done = Math.min(body.length, sent + step);
          const update = { progress: Math.round((100 * done) / body.length), totalBytesSent: done, totalBytesExpectedToSend: body.length };
          listeners.forEach((listener) => listener(update));
        }
        request.end();
      })();
      return {
        onProgressUpdate: (listener) => listeners.push(listener),
        abort: () => request.destroy(),
      };
    },

    connectSocket({ url, header = {} }) {
      const socket = new WebSocket(url, { headers: header });
      sockets.add(socket);
      const task = {
        onOpen: (listener) => socket.on("open", () => listener({})),
        onMessage: (listener) => socket.on("message", (data, binary) => listener({ data: binary ? data : data.toString() })),
        onClose: (listener) =>
          socket.on("close", (code, reason) => {
            sockets.delete(socket);
            listener({ code, reason: reason.toString() });
          }),
        onError: (listener) => socket.on("error", (error) => listener({ errMsg: error.message })),
        send: ({ data }) => socket.send(data),
        close: ({ code } = {}) => socket.close(code ?? 1000),
      };
      socket.on("error", () => {}); // a refused connection also closes: onClose tells
      return task;
    },

    requestSubscribeMessage({ tmplIds, success }) {
      const answer = { errMsg: "requestSubscribeMessage:ok" };
      for (const id of tmplIds) answer[id] = subscribeAnswer;
      setTimeout(() => success?.(answer), 0);
    },
  };
  /** The network drops every open socket (no close frame): the client sees 1006. */
  wx.dropSockets = () => {
    for (const socket of sockets) socket.terminate();
  };
  return wx;
}
