// A mini program's whole journey through the SDK's `wx` adapter, against a real server on
// loopback (started by tests/clients/test_js_sdk.py, which passes what it set up in the
// environment): WeChat busy (a 503 envelope), sign-in, a photo upload with progress, a send,
// the live frame, a dropped socket caught up with `?after=`, the socket's token renewed over
// it, concurrent calls sharing one refresh, a forged token refused and retried, a 429 waited
// out, and the subscribe-message answer recorded. The bundle is what a mini program imports.

import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiError, createClient, memoryStorage, requestSubscribe, wxAdapter } from "../dist/confessions.js";
import { makeWx } from "./wx-harness.mjs";

const env = process.env;
const BASE = env.SERVER_URL;

function phone(options = {}) {
  const wx = makeWx();
  const storage = memoryStorage();
  const client = createClient({ baseUrl: BASE, adapter: wxAdapter(wx), storage, language: "en", ...options });
  return { wx, storage, client };
}

function waitFor(predicate, what, timeoutMs = 15_000) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = () => {
      const value = predicate();
      if (value) return resolve(value);
      if (Date.now() - started > timeoutMs) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(poll, 20);
    };
    poll();
  });
}

test("a mini program's journey through the SDK", async (t) => {
  const alice = phone();
  const bob = phone();
  let aliceUser;
  let bobUser;

  await t.test("WeChat busy at sign-in is a 503 envelope, typed", async () => {
    await assert.rejects(alice.client.signInWithWeChat(env.BUSY_CODE), (error) => {
      assert.ok(error instanceof ApiError);
      assert.equal(error.status, 503);
      assert.equal(error.code, "wechat_unavailable");
      assert.match(error.message, /WeChat/);
      return true;
    });
    assert.equal(alice.client.signedIn, false);
  });

  await t.test("sign in with wx.login's code; the tokens are kept", async () => {
    aliceUser = await alice.client.signInWithWeChat(env.ALICE_CODE, "Alice");
    bobUser = await bob.client.signInWithWeChat(env.BOB_CODE, "Bob");
    assert.ok(aliceUser.username && bobUser.username);
    assert.ok(alice.storage.load().refresh);
    const me = await alice.client.get("/me");
    assert.equal(me.username, aliceUser.username);
  });

  const events = [];
  const renewals = [];
  let open = false;
  const live = bob.client.live({
    onEvent: (frame) => events.push(frame),
    onStatus: (value) => {
      open = value;
    },
    onRenewed: (expiresAt) => renewals.push(expiresAt),
    baseDelayMs: 1500,
  });
  t.after(() => live.stop());

  await t.test("one socket, opened with the token in its header", async () => {
    await live.start();
    await waitFor(() => open, "the socket to open");
  });

  let photo;
  await t.test("a photo uploaded with progress", async () => {
    const progress = [];
    photo = await alice.client.upload({ path: env.PHOTO_PATH }, (percent) => progress.push(percent));
    assert.equal(photo.kind, "image");
    assert.ok(progress.length >= 2, `progress: ${progress}`);
    assert.equal(progress.at(-1), 100);
    assert.deepEqual([...progress].sort((a, b) => a - b), progress);
  });

  let first;
  await t.test("a confession with the photo arrives live, its sender unnamed", async () => {
    first = await alice.client.post("/confessions", {
      body: { recipient: bobUser.username, body: "I like the way you laugh", anonymous: true, media: [photo.id] },
    });
    const frame = await waitFor(() => events.find((e) => e.data.confession_id === first.id), "the live frame");
    assert.equal(frame.type, "confession.received");
    assert.equal(frame.data.anonymous, true);
    assert.equal(frame.data.sender, null);
    assert.equal(frame.data.has_media, true);
    assert.ok(!JSON.stringify(frame).includes(aliceUser.username), "the frame names its anonymous sender");
  });

  await t.test("a dropped socket reconnects with ?after= and misses nothing", async () => {
    bob.wx.dropSockets();
    await waitFor(() => !open, "the drop");
    assert.equal(live.lastClose, 1006);
    // Sent while Bob is away: the reconnect's catch-up brings it.
    const second = await alice.client.post("/confessions", {
      body: { recipient: bobUser.username, body: "and the way you read on the bus" },
    });
    await waitFor(() => open, "the reconnect");
    await waitFor(() => events.find((e) => e.data.confession_id === second.id), "the caught-up frame");
    const ids = events.map((e) => e.id);
    assert.deepEqual(ids, [...new Set(ids)].sort((a, b) => a - b), "in order, no duplicates");
  });

  await t.test("the socket's token is renewed over it before it expires", async () => {
    // JWT_ACCESS_MINUTES=1: the SDK renews 5 s after the socket opened.
    await waitFor(() => renewals.length > 0, "an auth frame's answer", 20_000);
    assert.ok(Date.parse(renewals[0]) > Date.now());
  });

  await t.test("an ack marks the notifications read", async () => {
    assert.ok((await bob.client.get("/me/counts")).notifications_unread >= 2);
    live.ack(events.at(-1).id);
    const read = async () => (await bob.client.get("/me/counts")).notifications_unread === 0;
    for (let tries = 0; !(await read()); tries += 1) {
      assert.ok(tries < 100, "the ack did not mark them read");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    live.stop();
  });

  await t.test("concurrent calls with an expired token share one refresh", async () => {
    const kept = alice.storage.load();
    const expired = `x.${Buffer.from(JSON.stringify({ exp: 1 })).toString("base64url")}.x`;
    const storage = memoryStorage();
    storage.save({ access: expired, refresh: kept.refresh });
    const again = createClient({ baseUrl: BASE, adapter: wxAdapter(makeWx()), storage });
    const answers = await Promise.all([1, 2, 3, 4, 5].map(() => again.get("/me")));
    assert.deepEqual(new Set(answers.map((me) => me.username)), new Set([aliceUser.username]));
    assert.equal(again.refreshes, 1);
    assert.notEqual(storage.load().access, expired);
  });

  await t.test("a token the server refuses is refreshed once and the call retried", async () => {
    const kept = alice.storage.load();
    const [header, payload] = kept.access.split(".");
    const forged = `${header}.${payload}.${"A".repeat(43)}`;
    const storage = memoryStorage();
    storage.save({ access: forged, refresh: kept.refresh });
    const again = createClient({ baseUrl: BASE, adapter: wxAdapter(makeWx()), storage });
    const me = await again.get("/me");
    assert.equal(me.username, aliceUser.username);
    assert.equal(again.refreshes, 1);
  });

  await t.test("a 429 is waited out for its Retry-After, or surfaced with it", async () => {
    const link = await alice.client.post("/confessions", { body: { body: "whoever opens this" } });
    assert.ok(link.share_token);
    const stranger = phone({ maxRetryWaitSeconds: 5 }).client;
    const hurried = phone({ maxRetryWaitSeconds: 0 }).client;
    const path = "/confessions/shared/{token}";
    const options = { path: { token: link.share_token } };
    // SHARED_LINK_THROTTLE_RATE=2/s: the third call in a second is refused.
    await stranger.get(path, options);
    await stranger.get(path, options);
    await assert.rejects(hurried.get(path, options), (error) => {
      assert.equal(error.status, 429);
      assert.equal(error.code, "throttled");
      assert.ok(error.retryAfter >= 1);
      return true;
    });
    const started = Date.now();
    const card = await stranger.get(path, options);
    assert.ok(Date.now() - started >= 500, "it waited");
    assert.equal(card.body, "whoever opens this");
  });

  await t.test("the subscribe-message answer is recorded", async () => {
    const state = await requestSubscribe(alice.wx, alice.client, [env.TEMPLATE_ID]);
    const template = state.templates.find((item) => item.template_id === env.TEMPLATE_ID);
    assert.equal(template.credits, 1);
    assert.equal(template.ask, false);
  });

  await t.test("signing out forgets the tokens", async () => {
    await alice.client.signOut();
    assert.equal(alice.storage.load(), null);
    await assert.rejects(alice.client.get("/me"), (error) => error.status === 401);
  });
});
