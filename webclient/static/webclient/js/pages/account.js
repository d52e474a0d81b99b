// Signing in, the profile, blocks and the notifications list.

import { api, signIn, upload } from "../client.js";
import { h, replace } from "../dom.js";
import { LANGUAGES, language, t, useLanguage } from "../i18n.js";
import { checkbox, errorBox, field, form, pagedList, person, showError, time } from "../ui.js";

export function signInPage(onSignedIn) {
  const page = h("section", { class: "page narrow", "data-page": "signin" });
  let registering = false;
  function render() {
    const fields = [
      field(t("username"), h("input", { name: "username", autocomplete: "username",
                                        required: true, maxlength: 150 })),
      field(t("password"), h("input", { name: "password", type: "password", required: true,
                                        autocomplete: registering ? "new-password"
                                          : "current-password" })),
    ];
    if (registering) {
      fields.push(field(t("display_name"), h("input", { name: "display_name", maxlength: 50 })));
    }
    const toggle = h("button", { type: "button", class: "link toggle-register" },
      registering ? t("have_account") : t("no_account"));
    toggle.addEventListener("click", () => {
      registering = !registering;
      render();
    });
    replace(page, h("h1", {}, registering ? t("register") : t("sign_in")),
      form(fields, registering ? t("register") : t("sign_in"), async (values) => {
        const user = await signIn(registering ? "register" : "login", values);
        onSignedIn(user);
      }, { class: "signin" }), toggle);
  }
  render();
  return page;
}

export function profilePage(extra) {
  const page = h("section", { class: "page", "data-page": "profile" }, h("h1", {}, t("profile")));
  const box = errorBox();
  api("GET", "/me").then((me) => {
    const avatar = h("div", { class: "avatar-row" }, person(me),
      me.ip_region ? h("span", { class: "region" }, t("ip_region", { region: me.ip_region }))
        : null);
    const avatarInput = h("input", { type: "file", accept: "image/*", name: "_avatar" });
    avatarInput.addEventListener("change", async () => {
      try {
        const media = await upload(avatarInput.files[0], () => {});
        const updated = await api("PATCH", "/me", { avatar: media.id });
        replace(avatar, person(updated));
      } catch (error) {
        showError(box, error);
      }
    });
    const saved = h("p", { class: "done", hidden: true }, t("saved"));
    page.append(avatar, field(t("change_avatar"), avatarInput), form([
      field(t("display_name"), h("input", { name: "display_name", value: me.display_name,
                                            maxlength: 50 })),
      field(t("bio"), h("textarea", { name: "bio", maxlength: 300, rows: 3, value: me.bio })),
      checkbox("accepts_anonymous", t("accepts_anonymous"), me.accepts_anonymous),
      field(t("account_language"), h("select", { name: "language" }, LANGUAGES.map(([code, label]) =>
        h("option", { value: code, selected: code === (me.language || language) }, label)))),
    ], t("save"), async (values) => {
      await api("PATCH", "/me", values);
      // The account's language (WeChat's messages) is the page's too.
      if (values.language !== language) useLanguage(values.language);
      saved.hidden = false;
    }), saved, box, inboxLinkSection(), mutesSection(), notificationSettingsSection(),
    exportSection(), extra);
  }, (error) => showError(box, error));
  page.append(box);
  return page;
}

// Your personal inbox link: anyone may write to you through it, anonymously.
function inboxLinkSection() {
  const section = h("section", { class: "inbox-link" }, h("h2", {}, t("inbox_link")));
  const box = errorBox();
  const address = h("input", { class: "link-url", readonly: true });
  function render(link) {
    address.value = link.url || "";
    address.hidden = !link.url;
    replace(section, h("h2", {}, t("inbox_link")), h("p", { class: "hint" }, t("inbox_link_hint")),
      address, form([
        checkbox("enabled", t("link_enabled"), link.enabled),
        checkbox("paused", t("link_pause"), link.paused),
        field(t("link_prompt"), h("input", { name: "prompt", maxlength: 100, value: link.prompt })),
        field(t("link_filter"), h("textarea", { name: "filter_words", rows: 2,
                                               value: link.filter_words.join("\n") })),
      ], t("save"), async (values) => {
        const words = values.filter_words.split("\n").map((w) => w.trim()).filter(Boolean);
        render(await api("PUT", "/me/inbox-link", {
          enabled: values.enabled, paused: values.paused, prompt: values.prompt,
          filter_words: words,
        }));
      }, { class: "inbox-link-form" }), box);
  }
  api("GET", "/me/inbox-link").then(render, (error) => showError(box, error));
  return section;
}

// A copy of your data: asked for here, built by the server, downloaded by its link for a day.
function exportSection() {
  const section = h("section", { class: "export" }, h("h2", {}, t("export_title")));
  const box = errorBox();
  const state = h("div", { class: "export-state" });
  function render(exported) {
    if (!exported) {
      replace(state);
    } else if (exported.status === "ready") {
      replace(state, h("a", { class: "download", href: exported.url, download: "" },
        t("export_download")), " ", h("span", { class: "hint" },
        t("export_until", { when: new Date(exported.expires_at).toLocaleString() })));
    } else {
      replace(state, h("p", { class: "hint status" }, t(`export_${exported.status}`)));
    }
  }
  const ask = h("button", { type: "button", class: "ask-export" }, t("export_button"));
  ask.addEventListener("click", async () => {
    ask.disabled = true;
    try {
      render(await api("POST", "/me/export"));
    } catch (error) {
      showError(box, error);
    } finally {
      ask.disabled = false;
    }
  });
  section.append(h("p", { class: "hint" }, t("export_hint")), ask, state, box);
  api("GET", "/me/export").then(({ export: exported }) => render(exported),
    (error) => showError(box, error));
  return section;
}

// Muted words: posts and comments holding one never reach you (one word or phrase a line).
function mutesSection() {
  const section = h("section", { class: "mutes" }, h("h2", {}, t("muted_words")));
  const box = errorBox();
  const saved = h("p", { class: "done", hidden: true }, t("saved"));
  api("GET", "/me/mutes").then((mutes) => {
    section.append(h("p", { class: "hint" }, t("muted_words_hint")), form([
      h("textarea", { name: "words", rows: 3, value: mutes.words.join("\n") }),
    ], t("save"), async (values) => {
      const words = values.words.split("\n").map((word) => word.trim()).filter(Boolean);
      await api("PUT", "/me/mutes", { words });
      saved.hidden = false;
    }, { class: "mutes-form" }), saved, box);
  }, (error) => showError(box, error));
  return section;
}

// How you are told of each kind of notification: live (the socket), and WeChat's messages.
function notificationSettingsSection() {
  const section = h("section", { class: "notification-settings" },
    h("h2", {}, t("notification_settings")));
  const box = errorBox();
  api("GET", "/me/notification-settings").then(({ settings }) => {
    const rows = Object.entries(settings).map(([type, ways]) => h("tr", { dataset: { type } },
      h("td", {}, eventText({ type })),
      ...["socket", "subscribe"].map((way) => {
        const input = h("input", { type: "checkbox", name: `${type}:${way}`, checked: ways[way] });
        input.addEventListener("change", async () => {
          try {
            await api("PUT", "/me/notification-settings",
              { settings: { [type]: { [way]: input.checked } } });
          } catch (error) {
            input.checked = !input.checked;
            showError(box, error);
          }
        });
        return h("td", {}, input);
      })));
    section.append(h("table", {},
      h("tr", {}, h("th", {}, ""), h("th", {}, t("way_socket")), h("th", {}, t("way_subscribe"))),
      ...rows), box);
  }, (error) => showError(box, error));
  return section;
}

// Secret crushes: a list of your own; they learn only that someone has one, until it is mutual.
export function crushesPage() {
  const page = h("section", { class: "page", "data-page": "crushes" }, h("h1", {}, t("crushes")));
  const box = errorBox();
  const list = h("div", { class: "crush-list" });
  function render(state) {
    replace(list,
      h("p", { class: "hint" }, t("crushes_hint", { free: state.free, max: state.max })),
      state.results.length ? state.results.map((crush) => {
        const remove = h("button", { type: "button" }, t("remove"));
        remove.addEventListener("click", async () => {
          await api("DELETE", `/crushes/${encodeURIComponent(crush.username)}`);
          render(await api("GET", "/crushes"));
        });
        return h("div", { class: `crush${crush.matched ? " matched" : ""}` }, person(crush),
          crush.matched ? h("strong", { class: "matched" }, t("crush_matched")) : null, remove);
      }) : h("p", { class: "empty" }, t("no_crushes")),
      state.cooling.map((crush) => h("div", { class: "crush cooling" }, person(crush),
        t("frees_at", { time: new Date(crush.frees_at).toLocaleDateString() }))));
  }
  page.append(form([field(t("username"), h("input", { name: "username", required: true }))],
    t("add_crush"), async (values, element) => {
      render(await api("POST", "/crushes", values));
      element.reset();
    }, { class: "crush-form" }), list, box);
  api("GET", "/crushes").then(render, (error) => showError(box, error));
  return page;
}

export function blocksPage() {
  const page = h("section", { class: "page", "data-page": "blocks" }, h("h1", {}, t("blocks")));
  let list = null;
  function reload() {
    const fresh = pagedList("/blocks", (block) => {
      const unblock = h("button", { type: "button" }, t("unblock"));
      unblock.addEventListener("click", async () => {
        await api("DELETE", `/blocks/${block.id}`);
        reload();
      });
      return h("div", { class: "block-row" },
        block.username ? person({ username: block.username,
                                  display_name: block.display_name || block.username })
          : h("span", {}, t("anonymous_block")),
        " ", time(block.created_at), unblock);
    }, { empty: t("no_blocks") });
    if (list) list.replaceWith(fresh);
    else page.append(fresh);
    list = fresh;
  }
  page.append(form([field(t("block_user"), h("input", { name: "username", required: true }))],
    t("block"), async (values, element) => {
      await api("POST", "/blocks", values);
      element.reset();
      reload();
    }));
  reload();
  return page;
}

export function eventText(notification) {
  const key = `ev_${notification.type.replace(".", "_")}`;
  const text = t(key);
  return text === key ? t("ev_other") : text;
}

export function eventLink(notification) {
  const data = notification.data || {};
  if (data.confession_id) return `#/c/${data.confession_id}`;
  if (data.post_id) return `#/p/${data.post_id}`;
  return "#/notifications";
}

export function notificationsPage(onRead) {
  const page = h("section", { class: "page", "data-page": "notifications" },
    h("h1", {}, t("notifications")));
  const markAll = h("button", { type: "button" }, t("mark_all_read"));
  let newest = 0;
  markAll.addEventListener("click", async () => {
    if (newest) await api("POST", "/notifications/read", { up_to: newest });
    onRead();
  });
  page.append(markAll, pagedList("/notifications?order=desc", (notification) => {
    newest = Math.max(newest, notification.id);
    return h("a", { href: eventLink(notification),
                    class: `notification${notification.read_at ? "" : " unread"}` },
      h("strong", {}, eventText(notification)), " ", time(notification.created_at),
      notification.preview ? h("p", { class: "body", dir: "auto" }, notification.preview) : null);
  }, { empty: t("no_notifications") }));
  return page;
}
