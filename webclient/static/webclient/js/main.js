// The web client: a page per hash route (#/inbox, #/c/12, ...), or the share landing page at
// /s/<token>. Sign-in state survives a reload through the refresh cookie only.

import { api, client, onSignChange, refresh, signOut, signedIn } from "./client.js";
import { h, replace } from "./dom.js";
import { switchLanguage, t } from "./i18n.js";
import {
  crushesPage, eventLink, eventText, blocksPage, notificationsPage, profilePage, signInPage,
} from "./pages/account.js";
import {
  composePage, inboxPage, linkPage, matchesList, sentPage, sharePage, threadPage,
} from "./pages/confessions.js";
import { postPage, wallPage, wallsPage } from "./pages/walls.js";
import { toast } from "./ui.js";

const main = document.getElementById("app");
const top = document.getElementById("top");
const shareToken = document.body.dataset.shareToken || null;
const linkHandle = document.body.dataset.linkHandle || null;
let current = null;

const badges = {
  inbox: h("span", { class: "count", hidden: true, dataset: { badge: "inbox" } }),
  sent: h("span", { class: "count", hidden: true, dataset: { badge: "sent" } }),
  notifications: h("span", { class: "count", hidden: true, dataset: { badge: "notifications" } }),
};
const liveState = h("span", { class: "live", title: t("offline") });

// The notifications socket (the SDK's): renewed over itself, caught up with ?after= on a drop.
const live = client.live({
  onEvent(notification) {
    toast(eventText(notification), eventLink(notification));
    updateCounts();
    current?.refresh?.(notification);
    if (["inbox", "sent"].includes(current?.dataset.page)) route();
  },
  onStatus(online) {
    liveState.classList.toggle("on", online);
    liveState.title = online ? t("online") : t("offline");
  },
});

async function updateCounts() {
  if (!signedIn()) return;
  const counts = await api("GET", "/me/counts").catch(() => null);
  if (!counts) return;
  for (const [key, value] of [["inbox", counts.inbox_unread], ["sent", counts.sent_unread],
    ["notifications", counts.notifications_unread]]) {
    badges[key].hidden = !value;
    badges[key].textContent = String(value);
  }
}

function header() {
  const language = h("button", { type: "button", class: "link", lang: "" }, t("switch_language"));
  language.addEventListener("click", switchLanguage);
  if (!signedIn()) {
    replace(top, h("nav", {}, h("a", { href: "/app/", class: "brand" }, t("app")), language));
    return;
  }
  const out = h("button", { type: "button", class: "link" }, t("sign_out"));
  out.addEventListener("click", async () => {
    live.stop();
    await signOut();
    location.assign("/app/");
  });
  const link = (hash, label, badge = null) => h("a", { href: `/app/${hash}` }, label, badge);
  replace(top, h("nav", {},
    h("a", { href: "/app/#/inbox", class: "brand" }, t("app")),
    link("#/inbox", t("inbox"), badges.inbox), link("#/sent", t("sent"), badges.sent),
    link("#/compose", t("compose")), link("#/walls", t("walls")),
    link("#/notifications", t("notifications"), badges.notifications),
    link("#/crushes", t("crushes")), link("#/profile", t("profile")),
    link("#/blocks", t("blocks")),
    liveState, language, out));
}

function pageFor(path) {
  const [, section, id, extra] = path.split("/");
  switch (section) {
    case "sent": return sentPage();
    case "c": return threadPage(id);
    case "compose": return composePage(id ? decodeURIComponent(id) : "");
    case "walls": return wallsPage();
    case "w": return wallPage(decodeURIComponent(id), extra === "hot" ? "hot" : "new");
    case "p": return postPage(id);
    case "notifications": return notificationsPage(updateCounts);
    case "profile": return profilePage(h("section", {}, h("h2", {}, t("matches")), matchesList()));
    case "blocks": return blocksPage();
    case "crushes": return crushesPage();
    default: return inboxPage();
  }
}

function route() {
  if (linkHandle) {
    current = linkPage(linkHandle);
  } else if (shareToken) {
    current = sharePage(shareToken, { goSignIn: () => show(signInPage(afterSignIn)) });
  } else if (!signedIn()) {
    current = signInPage(afterSignIn);
  } else {
    current = pageFor((location.hash || "#/inbox").slice(1));
  }
  show(current);
}

function show(page) {
  current = page;
  replace(main, page);
  document.title = `${page.querySelector("h1")?.textContent || t("app")} · ${t("app")}`;
}

async function afterSignIn() {
  header();
  updateCounts();
  live.start();
  route();
}

onSignChange((isIn) => {
  if (!isIn) {
    live.stop();
    header();
    if (!shareToken && !linkHandle) route();
  }
});
window.addEventListener("hashchange", () => {
  if (!shareToken && !linkHandle) route();
});

(async function start() {
  await refresh().catch(() => false);
  header();
  route();
  if (signedIn()) {
    updateCounts();
    live.start();
  }
})();
