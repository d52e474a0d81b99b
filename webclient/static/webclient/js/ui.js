// Pieces every page uses: people, photos, errors, forms, lists that load more, toasts.

import { ApiError, api } from "./client.js";
import { h, name, replace } from "./dom.js";
import { t, when } from "./i18n.js";

export function person(who, fallback = t("anonymous")) {
  if (!who) return h("span", { class: "person anonymous" }, fallback);
  return h("span", { class: "person" },
    who.avatar_url ? h("img", { class: "avatar", src: who.avatar_url, alt: "" }) : null,
    name(who.display_name || who.username));
}

// Photos at display size (thumbnails in lists), each a link to the original.
export function gallery(media, { thumbnails = false } = {}) {
  if (!media?.length) return null;
  return h("div", { class: thumbnails ? "gallery thumbnails" : "gallery" }, media.map((item) =>
    item.kind === "video"
      ? h("video", { controls: true, preload: "none", src: item.url, poster: item.thumbnail_url })
      : h("a", { href: item.url, target: "_blank", rel: "noopener noreferrer",
                 title: t("original") },
          h("img", { src: thumbnails ? item.thumbnail_url || item.display_url : item.display_url,
                     alt: "", loading: "lazy", width: item.width, height: item.height }))));
}

export function time(iso) {
  return h("time", { datetime: iso }, when(iso));
}

export function errorBox() {
  return h("p", { class: "error", role: "alert", hidden: true });
}

export function showError(box, error, form = null) {
  box.hidden = false;
  const message = error instanceof ApiError ? error.message : t("error");
  const fields = error instanceof ApiError ? Object.entries(error.fields) : [];
  replace(box, message, fields.map(([field, messages]) =>
    h("span", { class: "field-error" }, ` ${field}: ${messages.join(" ")}`)));
  if (form) {
    for (const [field] of fields) form.elements[field]?.setAttribute("aria-invalid", "true");
  }
}

function clearError(box) {
  box.hidden = true;
  box.replaceChildren();
}

// A form whose submit runs `action(values)`; errors show in it, the button waits meanwhile.
export function form(fields, submitLabel, action, props = {}) {
  const box = errorBox();
  const button = h("button", { type: "submit" }, submitLabel);
  const element = h("form", { ...props, novalidate: true }, fields, box, button);
  // reset() returns the inputs to their defaults; parts that keep their own state (the photo
  // picker's uploads) hear it too, or the next submit would send the last one's photos again.
  element.addEventListener("reset", () => {
    clearError(box);
    for (const part of element.querySelectorAll("[data-resets]")) {
      part.dispatchEvent(new Event("formreset"));
    }
  });
  element.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearError(box);
    button.disabled = true;
    try {
      await action(values(element), element);
    } catch (error) {
      showError(box, error, element);
    } finally {
      button.disabled = false;
    }
  });
  return element;
}

export function values(formElement) {
  const result = {};
  for (const element of formElement.elements) {
    if (!element.name) continue;
    result[element.name] = element.type === "checkbox" ? element.checked : element.value;
  }
  return result;
}

export function field(label, input) {
  return h("label", { class: "field" }, h("span", {}, label), input);
}

export function checkbox(name, label, checked = false) {
  return h("label", { class: "check" }, h("input", { type: "checkbox", name, checked }), label);
}

// A cursor-paginated list: the first page, then a "more" button following `next`.
export function pagedList(path, renderItem, { empty = t("empty_inbox"), className = "list" } = {}) {
  const list = h("ul", { class: className });
  const more = h("button", { class: "more", hidden: true }, t("more"));
  const box = errorBox();
  let next = path;
  async function load() {
    more.disabled = true;
    try {
      const page = await api("GET", next);
      for (const item of page.results) list.append(h("li", {}, renderItem(item)));
      next = page.next;
      more.hidden = !next;
      if (!list.children.length) list.append(h("li", { class: "empty" }, empty));
    } catch (error) {
      showError(box, error);
    } finally {
      more.disabled = false;
    }
  }
  more.addEventListener("click", load);
  load();
  return h("div", {}, list, more, box);
}

export function toast(text, href = null) {
  const item = h(href ? "a" : "div", { class: "toast", href }, text);
  const toasts = document.getElementById("toasts");
  toasts.append(item);
  while (toasts.children.length > 3) toasts.firstElementChild.remove();
  setTimeout(() => item.remove(), 6000);
}

const REPORT_CATEGORIES = ["harassment", "spam", "sexual", "hate", "self_harm", "other"];

// A report form (confessions, posts, comments), folded until asked for.
export function reportForm(path) {
  const details = h("details", { class: "report" }, h("summary", {}, t("report")));
  const done = h("p", { class: "done", hidden: true }, t("report_sent"));
  details.append(form([
    field(t("category"), h("select", { name: "category" },
      REPORT_CATEGORIES.map((category) => h("option", { value: category }, t(`cat_${category}`))))),
    field(t("details"), h("input", { name: "text", maxlength: 500 })),
  ], t("report"), async (fields, element) => {
    await api("POST", path, fields.text ? fields : { category: fields.category });
    element.hidden = true;
    done.hidden = false;
  }), done);
  return details;
}
