// A browser's platform: fetch, XMLHttpRequest for uploads (fetch reports no upload progress),
// WebSocket (which cannot carry headers: the SDK puts the token in the query).

import { Adapter, HttpResponse, SocketEvents, lowerCased } from "./types";

export function browserAdapter(): Adapter {
  return {
    socketHeaders: false,
    async request({ method, url, headers, body }) {
      const response = await fetch(url, { method, headers, body, credentials: "same-origin" });
      const names: Record<string, string> = {};
      response.headers.forEach((value, name) => {
        names[name] = value;
      });
      return { status: response.status, headers: lowerCased(names), text: await response.text() };
    },
    upload({ url, headers, field, file, onProgress }) {
      if (!("blob" in file)) return Promise.reject(new Error("browser uploads take a Blob"));
      return new Promise<HttpResponse>((resolve, reject) => {
        const request = new XMLHttpRequest();
        request.open("POST", url);
        for (const [name, value] of Object.entries(headers)) request.setRequestHeader(name, value);
        request.upload.onprogress = (event) => {
          if (event.lengthComputable && onProgress) {
            onProgress(Math.round((100 * event.loaded) / event.total));
          }
        };
        request.onload = () => {
          const retry = request.getResponseHeader("Retry-After");
          resolve({
            status: request.status,
            headers: retry ? { "retry-after": retry } : {},
            text: request.responseText,
          });
        };
        request.onerror = () => reject(new Error("the upload did not reach the server"));
        const form = new FormData();
        form.append(field, file.blob, file.name ?? (file.blob as File).name ?? "upload");
        request.send(form);
      });
    },
    connect(url, _headers, events: SocketEvents) {
      const socket = new WebSocket(url);
      socket.onopen = () => events.onOpen();
      socket.onmessage = (message) => {
        if (typeof message.data === "string") events.onMessage(message.data);
      };
      socket.onclose = (event) => events.onClose(event.code);
      return {
        send: (text) => socket.send(text),
        close: (code) => socket.close(code ?? 1000),
      };
    },
    setTimeout: (callback, ms) => setTimeout(callback, ms),
    clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  };
}
