// What the SDK needs of a platform: HTTP, a multipart upload with progress, a WebSocket, a
// clock. `wx` (adapters/wx.ts) and `browser` (adapters/browser.ts) are the two given.

export interface HttpRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  /** JSON text, or nothing. */
  body?: string;
}

export interface HttpResponse {
  status: number;
  /** Lower-cased names. */
  headers: Record<string, string>;
  /** The body as text ("" when there is none). */
  text: string;
}

/** A file to upload: a path from wx.chooseMedia, or a browser's File/Blob. */
export type UploadSource = { path: string } | { blob: Blob; name?: string };

export interface UploadRequest {
  url: string;
  headers: Record<string, string>;
  /** The multipart field the server reads: `file`. */
  field: string;
  file: UploadSource;
  /** 0-100, as the bytes go. */
  onProgress?: (percent: number) => void;
}

export interface SocketEvents {
  onOpen(): void;
  onMessage(text: string): void;
  onClose(code: number): void;
}

export interface SocketHandle {
  send(text: string): void;
  close(code?: number): void;
}

export interface Adapter {
  request(request: HttpRequest): Promise<HttpResponse>;
  upload(request: UploadRequest): Promise<HttpResponse>;
  /** `headers` are sent where the platform can (wx.connectSocket); a browser cannot, and
   * the SDK then puts the token in the query instead (`socketHeaders: false`). */
  connect(url: string, headers: Record<string, string>, events: SocketEvents): SocketHandle;
  readonly socketHeaders: boolean;
  /** Timers, replaceable in tests. */
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export function lowerCased(headers: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) out[name.toLowerCase()] = String(value);
  return out;
}
