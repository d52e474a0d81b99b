// The API as the web client uses it. The access token lives in this module's memory only; the
// refresh token is an HttpOnly cookie that only /api/v1/auth/web/ receives and no script can
// read (see accounts/api/views.py). A page load, or an access token about to expire, asks
// /auth/web/refresh for a fresh one; several callers at once share one refresh.

import { acceptLanguage } from "./i18n.js";

const BASE = document.body.dataset.api;
let access = null;
let accessExpires = 0;
let refreshing = null;
const listeners = new Set();

export class ApiError extends Error {
  constructor(status, payload) {
    const error = payload?.error ?? {};
    super(error.message || `HTTP ${status}`);
    this.status = status;
    this.code = error.code || "internal_error";
    this.fields = error.fields || {};
  }
}

export function onSignChange(listener) {
  listeners.add(listener);
}

function expiryOf(token) {
  try {
    const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    return JSON.parse(atob(part)).exp * 1000;
  } catch {
    return 0;
  }
}

function setAccess(token) {
  const was = access !== null;
  access = token;
  accessExpires = token ? expiryOf(token) : 0;
  if (was !== (access !== null)) listeners.forEach((listener) => listener(access !== null));
}

export function signedIn() {
  return access !== null;
}

export function accessExpiresAt() {
  return accessExpires;
}

function headers(extra = {}) {
  return { Accept: "application/json", "Accept-Language": acceptLanguage, ...extra };
}

async function webAuthRequest(path, body) {
  const response = await fetch(`${BASE}/auth/web/${path}`, {
    method: "POST",
    credentials: "same-origin",
    headers: headers({
      "X-Requested-With": "fetch",
      ...(body ? { "Content-Type": "application/json" } : {}),
    }),
    body: body ? JSON.stringify(body) : undefined,
  });
  const payload = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, payload);
  return payload;
}

// A fresh access token from the refresh cookie; false when there is no sign-in to renew.
export function refresh() {
  if (!refreshing) {
    refreshing = webAuthRequest("refresh")
      .then((payload) => {
        setAccess(payload.access);
        return true;
      })
      .catch((error) => {
        if (error.status === 401) setAccess(null);
        return error.status === 401 ? false : Promise.reject(error);
      })
      .finally(() => {
        refreshing = null;
      });
  }
  return refreshing;
}

export async function token() {
  if (access && Date.now() < accessExpires - 30_000) return access;
  return (await refresh().catch(() => false)) ? access : null;
}

export async function signIn(kind, fields) {
  const payload = await webAuthRequest(kind, fields);
  setAccess(payload.access);
  return payload.user;
}

export async function signOut() {
  await webAuthRequest("logout").catch(() => null);
  setAccess(null);
}

// Only our own origin ever gets the bearer token (a `next` link is absolute).
function ownUrl(path) {
  const url = /^https?:/.test(path) ? new URL(path) : new URL(BASE + path, location.origin);
  if (url.origin !== location.origin) throw new ApiError(400, null);
  return url.href;
}

export async function api(method, path, body, { retried = false } = {}) {
  const bearer = await token();
  const response = await fetch(ownUrl(path), {
    method,
    credentials: "same-origin",
    headers: headers({
      ...(bearer ? { Authorization: `Bearer ${bearer}` } : {}),
      ...(body !== undefined ? { "Content-Type": "application/json" } : {}),
    }),
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  if (response.status === 401 && bearer && !retried) {
    accessExpires = 0;
    return api(method, path, body, { retried: true });
  }
  const payload = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, payload);
  return payload;
}

// An upload as wx.uploadFile makes it (multipart, field `file`), with progress (0-100).
export async function upload(file, onProgress) {
  const bearer = await token();
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("POST", `${BASE}/media`);
    request.setRequestHeader("Authorization", `Bearer ${bearer}`);
    request.setRequestHeader("Accept-Language", acceptLanguage);
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(Math.round((100 * event.loaded) / event.total));
    };
    request.onload = () => {
      let payload = null;
      try {
        payload = JSON.parse(request.responseText);
      } catch {
        payload = null;
      }
      if (request.status === 201) resolve(payload);
      else reject(new ApiError(request.status, payload));
    };
    request.onerror = () => reject(new ApiError(0, null));
    const form = new FormData();
    form.append("file", file);
    request.send(form);
  });
}
