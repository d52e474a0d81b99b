// The private confessions: inbox, sent, a confession's thread, compose, and the share link.

import { ApiError, api, signedIn, upload } from "../client.js";
import { body, h, replace } from "../dom.js";
import { t, when } from "../i18n.js";
import {
  checkbox, errorBox, field, form, gallery, pagedList, person, reportForm, showError, time,
} from "../ui.js";

const STATUS_WORDS = ["pending", "rejected", "hidden", "removed"];

function statusBadge(confession) {
  const anonymous = confession.anonymous && confession.role === "sender"
    ? h("span", { class: "badge" }, t("anonymous")) : null;
  const viaLink = confession.from_link ? h("span", { class: "badge from-link" }, t("from_link"))
    : null;
  return [anonymous, viaLink, stateBadge(confession)];
}

function stateBadge(confession) {
  if (confession.status === "scheduled") {
    return h("span", { class: "badge" }, t("scheduled", { time: when(confession.deliver_at) }));
  }
  return STATUS_WORDS.includes(confession.status)
    ? h("span", { class: "badge" }, t(confession.status)) : null;
}

function card(confession, box) {
  const heading = box === "sent"
    ? (confession.recipient ? [t("to", { name: "" }), person(confession.recipient)]
      : [h("span", { class: "person" }, t("to_link"))])
    : [person(confession.sender, confession.anonymous ? t("anonymous") : t("someone"))];
  return h("a", { class: `card${confession.unread ? " unread" : ""}`,
                  href: `#/c/${confession.id}`, dataset: { id: confession.id } },
    h("div", { class: "card-head" }, heading,
      confession.unread ? h("span", { class: "dot", title: t("unread") }, t("unread")) : null,
      statusBadge(confession), time(confession.created_at)),
    body(confession.body.length > 140 ? `${confession.body.slice(0, 140)}…` : confession.body),
    gallery(confession.media, { thumbnails: true }),
    confession.reply_count ? h("small", {}, t("replies", { n: confession.reply_count })) : null);
}

export function inboxPage() {
  return h("section", { class: "page", "data-page": "inbox" }, h("h1", {}, t("inbox")),
    pagedList("/confessions/inbox", (item) => card(item, "inbox")));
}

export function sentPage() {
  return h("section", { class: "page", "data-page": "sent" }, h("h1", {}, t("sent")),
    pagedList("/confessions/sent", (item) => card(item, "sent")));
}

function shareUrl(token) {
  return `${location.origin}/s/${encodeURIComponent(token)}`;
}

function shareBox(token) {
  const url = shareUrl(token);
  const copy = h("button", { type: "button" }, t("copy"));
  copy.addEventListener("click", async () => {
    await navigator.clipboard?.writeText(url).catch(() => null);
    copy.textContent = t("copied");
  });
  return h("p", { class: "share" }, t("share_link"), " ",
    h("input", { readonly: true, value: url, class: "share-url" }), copy);
}

function replyItem(reply) {
  const who = reply.mine ? h("span", { class: "person" }, t("you"))
    : person(reply.author, reply.from === "sender" ? t("anonymous") : t("someone"));
  return h("div", { class: `reply${reply.mine ? " mine" : ""}`, dataset: { id: reply.id } },
    h("div", { class: "card-head" }, who, time(reply.created_at),
      reply.status !== "approved" ? h("span", { class: "badge" }, t(reply.status)) : null),
    body(reply.body));
}

export function threadPage(id) {
  const page = h("section", { class: "page", "data-page": "thread" });
  const box = errorBox();
  const replies = h("div", { class: "replies" });
  async function loadReplies() {
    let next = `/confessions/${id}/replies?limit=100`;
    const items = [];
    while (next) {
      const result = await api("GET", next);
      items.push(...result.results);
      next = result.next;
    }
    replace(replies, items.map(replyItem));
  }
  async function load() {
    try {
      const confession = await api("GET", `/confessions/${id}`);
      render(confession);
      await loadReplies();
      if (confession.unread) await api("POST", `/confessions/${id}/read`);
    } catch (error) {
      showError(box, error);
    }
  }
  function render(confession) {
    const received = confession.role === "recipient";
    const actions = h("div", { class: "actions" });
    if (received) {
      const block = h("button", { type: "button", class: "danger" }, t("block_sender"));
      block.addEventListener("click", async () => {
        await api("POST", `/confessions/${id}/block-sender`);
        location.hash = "#/inbox";
      });
      actions.append(block, reportForm(`/confessions/${id}/report`));
    }
    const remove = h("button", { type: "button", class: "danger" },
      received ? t("delete") : t("retract"));
    remove.addEventListener("click", async () => {
      if (!confirm(received ? t("confirm_delete") : t("confirm_retract"))) return;
      await api("DELETE", `/confessions/${id}`);
      location.hash = received ? "#/inbox" : "#/sent";
    });
    actions.prepend(remove);
    const readState = confession.role === "sender" && confession.recipient
      ? h("p", { class: "read-state" },
        confession.read_at ? t("read_at", { time: when(confession.read_at) }) : t("not_read"))
      : null;
    const replyForm = form(
      [h("textarea", { name: "body", placeholder: t("write_reply"), required: true,
                       maxlength: 2000, rows: 2 })],
      t("reply"),
      async (fields, element) => {
        await api("POST", `/confessions/${id}/replies`, { body: fields.body });
        element.reset();
        await loadReplies();
      }, { class: "reply-form" });
    // An anonymous sender's hints (up to 3) and their reveal; the recipient reads the hints.
    const hints = h("div", { class: "hints" });
    if (confession.recipient && (confession.anonymous || received)) {
      api("GET", `/confessions/${id}/hints`).then((result) => {
        replace(hints, result.results.length ? h("h3", {}, t("hints")) : null,
          result.results.map((hint) => h("p", { class: "hint", dir: "auto" }, hint.text)));
        if (confession.role === "sender" && confession.anonymous) {
          if (result.results.length < 3) {
            hints.append(form([h("input", { name: "text", required: true, maxlength: 100,
                                            placeholder: t("hint_placeholder") })],
            t("give_hint"), async (fields) => {
              await api("POST", `/confessions/${id}/hints`, { text: fields.text });
              load();
            }, { class: "hint-form" }));
          }
          const reveal = h("button", { type: "button", class: "reveal" }, t("reveal"));
          reveal.addEventListener("click", async () => {
            if (!confirm(t("confirm_reveal"))) return;
            await api("POST", `/confessions/${id}/reveal`);
            load();
          });
          hints.append(reveal);
        }
      }, (error) => showError(box, error));
    }
    replace(page,
      h("article", { class: "confession" },
        h("div", { class: "card-head" },
          received ? person(confession.sender, t("anonymous"))
            : [t("to", { name: "" }), confession.recipient ? person(confession.recipient)
              : h("span", { class: "person" }, t("to_link"))],
          statusBadge(confession), time(confession.created_at)),
        confession.matched ? h("p", { class: "matched" }, t("matched")) : null,
        body(confession.body),
        gallery(confession.media),
        readState,
        confession.share_token ? shareBox(confession.share_token) : null),
      hints,
      replies,
      confession.recipient ? replyForm : null,
      actions, box);
  }
  page.refresh = (event) => {
    if (event.data?.confession_id === Number(id)) load();
  };
  load();
  return page;
}

// Photos for a confession or a post: uploaded as soon as they are chosen, with progress.
export function photoPicker() {
  const chosen = [];
  const list = h("ul", { class: "uploads" });
  const input = h("input", { type: "file", accept: "image/*,video/mp4,video/quicktime",
                             multiple: true, name: "_photos" });
  const box = errorBox();
  input.addEventListener("change", () => {
    for (const file of input.files) {
      if (chosen.length >= 9) break;
      const entry = { id: null, promise: null };
      chosen.push(entry);
      const progress = h("progress", { max: 100, value: 0 });
      const state = h("span", {}, t("uploading", { percent: 0 }));
      const remove = h("button", { type: "button" }, t("remove"));
      const preview = h("img", { src: URL.createObjectURL(file), alt: "" });
      const item = h("li", {}, preview, progress, state, remove);
      const forget = () => {
        const index = chosen.indexOf(entry);
        if (index >= 0) chosen.splice(index, 1);
        item.remove();
      };
      remove.addEventListener("click", forget);
      list.append(item);
      entry.promise = upload(file, (percent) => {
        progress.value = percent;
        state.textContent = t("uploading", { percent });
      }).then((media) => {
        entry.id = media.id;
        progress.value = 100;
        state.textContent = t("uploaded");
      }, (error) => {
        forget();
        showError(box, error);
      });
    }
    input.value = "";
  });
  const element = h("div", { class: "picker", dataset: { resets: "" } },
    field(t("photos"), input), list, box);
  element.addEventListener("formreset", () => {
    chosen.length = 0;
    list.replaceChildren();
    box.hidden = true;
  });
  element.mediaIds = async () => {
    await Promise.all(chosen.map((entry) => entry.promise));
    return chosen.filter((entry) => entry.id).map((entry) => entry.id);
  };
  return element;
}

function isoWithOffset(local) {
  if (!local) return null;
  const date = new Date(local);
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? "+" : "-";
  const pad = (n) => String(Math.floor(Math.abs(n))).padStart(2, "0");
  return `${local.length === 16 ? `${local}:00` : local}${sign}${pad(offset / 60)}:${pad(offset % 60)}`;
}

export function composePage(prefill = "") {
  const page = h("section", { class: "page", "data-page": "compose" }, h("h1", {}, t("compose")));
  const picker = photoPicker();
  const result = h("div", { class: "result" });
  page.append(form([
    field(t("recipient"), h("input", { name: "recipient", value: prefill, autocomplete: "off",
                                       placeholder: t("recipient_hint") })),
    field(t("message"), h("textarea", { name: "body", required: true, maxlength: 2000, rows: 6 })),
    checkbox("anonymous", t("send_anonymously")),
    picker,
    field(t("deliver_at"), h("input", { type: "datetime-local", name: "deliver_at" })),
  ], t("send"), async (fields, element) => {
    const payload = { body: fields.body, anonymous: fields.anonymous,
                      media: await picker.mediaIds() };
    if (fields.recipient.trim()) payload.recipient = fields.recipient.trim();
    if (fields.deliver_at) payload.deliver_at = isoWithOffset(fields.deliver_at);
    const confession = await api("POST", "/confessions", payload);
    element.hidden = true;
    replace(result, confession.share_token ? shareBox(confession.share_token) : null,
      h("a", { href: `#/c/${confession.id}` }, t("sent")));
  }, { class: "compose" }), result);
  return page;
}

// /s/<token>: the card, to anyone; claiming it takes a sign-in.
export function sharePage(token, { goSignIn }) {
  const page = h("section", { class: "page", "data-page": "share" }, h("h1", {}, t("share_title")));
  const box = errorBox();
  page.append(box);
  api("GET", `/confessions/shared/${encodeURIComponent(token)}`).then((confession) => {
    const claim = h("button", { type: "button", class: "primary" },
      signedIn() ? t("claim") : t("sign_in_to_claim"));
    claim.addEventListener("click", async () => {
      if (!signedIn()) {
        goSignIn();
        return;
      }
      try {
        const claimed = await api("POST", `/confessions/shared/${encodeURIComponent(token)}/claim`);
        location.assign(`/app/#/c/${claimed.id}`);
      } catch (error) {
        showError(box, error);
      }
    });
    page.insertBefore(h("article", { class: "confession" },
      h("div", { class: "card-head" }, person(confession.sender, t("anonymous")),
        time(confession.created_at)),
      body(confession.body), gallery(confession.media),
      confession.role === "viewer" ? claim : null), box);
  }, (error) => {
    // 410: a link that opened once (claimed by someone else, or taken back); 404: no
    // link of ours at all, most often one copied short: it never "expired".
    const text = !(error instanceof ApiError) ? null
      : error.code === "already_claimed" ? t("claimed_by_other")
        : error.status === 410 ? t("link_gone")
          : error.status === 404 ? t("link_unknown") : null;
    if (text) page.insertBefore(h("p", { class: "gone" }, text), box);
    showError(box, error);
  });
  return page;
}

export function matchesList() {
  return pagedList("/matches", (match) => h("a", { href: `#/c/${match.received[0] ?? match.sent[0]}` },
    t("match_with", { name: "" }), person(match.with), " ", time(match.matched_at)),
  { empty: "—" });
}


// A personal inbox link (/u/<handle>): anyone, signed in or out, writes to its owner
// anonymously. Signed out, the owner's reply cannot reach you: the page says so.
export function linkPage(handle) {
  const page = h("section", { class: "page narrow", "data-page": "link" });
  const box = errorBox();
  page.append(box);
  api("GET", `/inbox-links/${encodeURIComponent(handle)}`).then((card) => {
    const sent = h("p", { class: "done", hidden: true }, t("link_sent"));
    const write = form([
      h("textarea", { name: "body", required: true, maxlength: 1000, rows: 4,
                      placeholder: card.prompt || t("link_placeholder") }),
    ], t("send_anonymously"), async (values, element) => {
      await api("POST", `/inbox-links/${encodeURIComponent(handle)}/messages`,
        { body: values.body });
      element.reset();
      sent.hidden = false;
    }, { class: "link-form" });
    page.insertBefore(h("article", { class: "link-card" },
      h("h1", {}, person({ username: card.display_name, display_name: card.display_name,
                          avatar_url: card.avatar_url })),
      card.prompt ? h("p", { class: "prompt", dir: "auto" }, card.prompt) : null,
      card.paused ? h("p", { class: "gone" }, t("link_paused")) : write,
      sent,
      h("p", { class: "hint" }, signedIn() ? t("link_note_signed_in") : t("link_note_signed_out"))),
    box);
  }, (error) => {
    if (error instanceof ApiError && error.status === 404) {
      page.insertBefore(h("p", { class: "gone" }, t("inbox_link_unknown")), box);
    }
    showError(box, error);
  });
  return page;
}
