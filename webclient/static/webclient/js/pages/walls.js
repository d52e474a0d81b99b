// The confession walls (表白墙): the list, a wall's feed, a post with its comments.

import { ApiError, api } from "../client.js";
import { body, h, name, replace } from "../dom.js";
import { t } from "../i18n.js";
import {
  checkbox, errorBox, field, form, gallery, pagedList, person, reportForm, showError, time, toast,
} from "../ui.js";
import { photoPicker } from "./confessions.js";

export function wallsPage() {
  const page = h("section", { class: "page", "data-page": "walls" }, h("h1", {}, t("walls")));
  const box = errorBox();
  api("GET", "/walls").then(({ results }) => {
    page.append(h("ul", { class: "list" }, results.map((wall) => {
      const join = wall.joined ? h("span", { class: "badge" }, t("joined"))
        : joinForm(wall, () => { location.hash = `#/w/${wall.slug}`; });
      return h("li", {}, h("a", { href: `#/w/${wall.slug}`, class: "card" },
        h("strong", {}, name(wall.name)), body(wall.description)), join);
    })));
  }, (error) => showError(box, error));
  page.append(box);
  return page;
}

function likeButton(post) {
  // Only a public post takes likes (the API answers 409 not_public for one under review).
  const button = h("button", { type: "button", disabled: post.status !== "approved" });
  function show() {
    button.className = post.liked ? "liked" : "";
    button.setAttribute("aria-pressed", String(post.liked));
    button.textContent = `♥ ${t("likes", { n: post.like_count })}`;
  }
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      await api(post.liked ? "DELETE" : "POST", `/posts/${post.id}/like`);
      post.liked = !post.liked;
      post.like_count += post.liked ? 1 : -1;
      show();
    } catch (error) {
      toast(error instanceof ApiError ? error.message : String(error));
    } finally {
      button.disabled = false;
    }
  });
  show();
  return button;
}

// The marks beside an author: verified member of the wall, and the IP region (signed only).
function marks(item) {
  return [
    item.verified ? h("span", { class: "badge verified", title: t("verified_hint") },
      t("verified")) : null,
    item.ip_region ? h("span", { class: "region" }, t("ip_region", { region: item.ip_region }))
      : null,
  ];
}

function postCard(post) {
  return h("div", { class: "post card", dataset: { id: post.id } },
    h("div", { class: "card-head" }, person(post.author, t("anonymous")),
      post.anonymous && post.author ? h("span", { class: "badge" }, t("anonymous")) : null,
      ...marks(post), time(post.created_at),
      post.status !== "approved" ? h("span", { class: "badge" }, t(post.status)) : null),
    post.to ? h("p", { class: "to" }, t("to", { name: "" }), name(post.to)) : null,
    body(post.body), gallery(post.media, { thumbnails: true }),
    h("div", { class: "post-foot" }, likeButton(post),
      h("a", { href: `#/p/${post.id}` }, t("comments", { n: post.comment_count }))));
}

function joinForm(wall, onJoined) {
  return form(
    wall.invite_only ? [h("input", { name: "code", placeholder: t("invite_code") })] : [],
    t("join"), async (values) => {
      await api("POST", `/walls/${encodeURIComponent(wall.slug)}/join`,
        wall.invite_only ? values : {});
      onJoined();
    }, { class: "inline join" });
}

// An `email` wall's verification: a code to a school address, then the code.
function verifyForm(wall, onVerified) {
  const where = `/walls/${encodeURIComponent(wall.slug)}/verify`;
  const box = errorBox();
  const section = h("section", { class: "verify" });
  const codeForm = form([h("input", { name: "code", required: true, inputmode: "numeric",
                                      maxlength: 6, placeholder: t("verify_code") })],
  t("verify_confirm"), async (values) => {
    await api("POST", `${where}/confirm`, values);
    onVerified();
  }, { class: "inline verify-code", hidden: true });
  const sent = h("p", { class: "hint sent", hidden: true });
  const emailForm = form([h("input", { name: "email", type: "email", required: true,
                                       placeholder: t("verify_email") })],
  t("verify_send"), async (values) => {
    const answer = await api("POST", where, values);
    sent.textContent = t("verify_sent", { domain: answer.email_domain });
    sent.hidden = false;
    codeForm.hidden = false;
  }, { class: "inline verify-email" });
  section.append(h("p", { class: "hint" },
    t("verify_hint", { domains: wall.email_domains.join(", ") })), emailForm, sent, codeForm,
  box);
  return section;
}

export function wallPage(slug, sort = "new", query = "") {
  const page = h("section", { class: "page", "data-page": "wall" });
  const box = errorBox();
  const feed = h("div", { class: "feed" });
  function loadFeed() {
    const where = `/walls/${encodeURIComponent(slug)}/posts`;
    replace(feed, pagedList(query ? `${where}?q=${encodeURIComponent(query)}`
      : `${where}?sort=${sort}`, postCard, query ? { empty: t("no_results") } : {}));
  }
  function searchForm() {
    const input = h("input", { name: "q", type: "search", value: query, maxlength: 50,
                               placeholder: t("search_placeholder") });
    return form([input], t("search"), async (values) => {
      query = values.q.trim();
      loadFeed();
    }, { class: "inline search" });
  }
  function postForm() {
    const picker = photoPicker();
    return form([
      field(t("to_line"), h("input", { name: "to", maxlength: 50 })),
      field(t("message"), h("textarea", { name: "body", required: true, maxlength: 2000,
                                          rows: 3 })),
      checkbox("anonymous", t("anonymous"), true),
      picker,
    ], t("post"), async (values, element) => {
      await api("POST", `/walls/${encodeURIComponent(slug)}/posts`,
        { ...values, media: await picker.mediaIds() });
      element.reset();
      loadFeed();
    }, { class: "compose wall-post" });
  }
  async function load() {
    try {
      const { results } = await api("GET", "/walls");
      const wall = results.find((each) => each.slug === slug);
      if (!wall) throw new ApiError(404, { error: { message: t("not_found") } });
      const sorts = h("nav", { class: "tabs" }, ["new", "hot"].map((kind) =>
        h("a", { href: `#/w/${slug}/${kind}`, class: kind === sort ? "active" : "" }, t(kind))));
      const mayPost = wall.joined && (wall.verification === "none" || wall.verified);
      const head = h("h1", {}, name(wall.name),
        wall.verified ? h("span", { class: "badge verified" }, t("verified")) : null);
      replace(page, head, body(wall.description), searchForm(), sorts,
        mayPost ? postForm() : null,
        wall.verification === "email" && !wall.verified ? verifyForm(wall, load) : null,
        wall.joined ? null : joinForm(wall, load), feed, box);
      loadFeed();
    } catch (error) {
      replace(page, box);
      showError(box, error);
    }
  }
  load();
  return page;
}

function commentItem(comment, postId, reload) {
  // The masked poster's alias says it ("OP", 洞主): no second label beside it.
  const who = comment.post_author && !comment.author
    ? null : person(comment.author, t("anonymous"));
  const replyForm = comment.parent_id ? null : h("details", { class: "reply-to" },
    h("summary", {}, t("reply_to")),
    form([h("input", { name: "body", required: true, maxlength: 2000 }),
      checkbox("anonymous", t("anonymous"))],
    t("comment"), async (values) => {
      await api("POST", `/posts/${postId}/comments`, { ...values, parent: comment.id });
      reload();
    }));
  // The thread alias (OP, A, B, ...): who said what, in a thread of anonymous comments.
  const alias = h("span", { class: "alias", title: t("alias_hint") }, comment.alias);
  return h("div", { class: `comment${comment.parent_id ? " nested" : ""}`,
                    dataset: { id: comment.id } },
    h("div", { class: "card-head" }, alias, who, ...marks(comment), time(comment.created_at)),
    body(comment.body),
    replyForm, reportForm(`/comments/${comment.id}/report`));
}

export function postPage(id) {
  const page = h("section", { class: "page", "data-page": "post" });
  const box = errorBox();
  const comments = h("div", { class: "comments" });
  function loadComments() {
    replace(comments, pagedList(`/posts/${id}/comments?limit=100`,
      (comment) => commentItem(comment, id, loadComments), { empty: "—" }));
  }
  // Following: told of its new comments. Known to you alone.
  const follow = h("button", { type: "button", class: "follow" }, t("follow"));
  function showFollowing(state) {
    follow.textContent = state.following ? t("following") : t("follow");
    follow.classList.toggle("on", state.following);
  }
  follow.addEventListener("click", async () => {
    const on = follow.classList.contains("on");
    try {
      showFollowing(await api(on ? "DELETE" : "POST", `/posts/${id}/follow`));
    } catch (error) {
      showError(box, error);
    }
  });
  api("GET", `/posts/${id}`).then((post) => {
    api("GET", `/posts/${id}/follow`).then(showFollowing, () => {});
    replace(page, postCard(post), follow, reportForm(`/posts/${id}/report`), comments,
      form([h("textarea", { name: "body", required: true, maxlength: 2000, rows: 2,
                            placeholder: t("write_comment") }),
        checkbox("anonymous", t("anonymous"))],
      t("comment"), async (values, element) => {
        await api("POST", `/posts/${id}/comments`, values);
        element.reset();
        loadComments();
      }), box);
    loadComments();
  }, (error) => showError(box, error));
  page.append(box);
  return page;
}
