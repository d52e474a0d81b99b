// The web client's one client of the API: the SDK (clients/js, served as
// /static/webclient/sdk/confessions.js) with its browser adapter and the cookie session. The
// access token lives in the SDK's memory only; the refresh token is an HttpOnly cookie that only
// /api/v1/auth/web/ receives and no script can read (see accounts/api/views.py). The pages call
// the API through the few functions below.

import { ApiError, browserAdapter, createClient } from "../sdk/confessions.js";
import { acceptLanguage } from "./i18n.js";

export { ApiError };

const listeners = new Set();

export const client = createClient({
  baseUrl: location.origin,
  adapter: browserAdapter(),
  session: "cookie",
  language: acceptLanguage,
  onSignChange: (isIn) => listeners.forEach((listener) => listener(isIn)),
});

export function onSignChange(listener) {
  listeners.add(listener);
}

export function signedIn() {
  return client.signedIn;
}

// A fresh access token from the refresh cookie; false when there is no sign-in to renew.
export function refresh() {
  return client.refresh();
}

export function signIn(kind, fields) {
  return kind === "register"
    ? client.register(fields.username, fields.password, fields.display_name)
    : client.signInWithPassword(fields.username, fields.password);
}

export function signOut() {
  return client.signOut();
}

// Any call: a path below /api/v1 (a query string included), or a page's `next` link.
export function api(method, path, body) {
  return client.call(method.toLowerCase(), path, body === undefined ? {} : { body });
}

// An upload as wx.uploadFile makes it (multipart, field `file`), with progress (0-100).
export function upload(file, onProgress) {
  return client.upload({ blob: file, name: file.name }, onProgress);
}
