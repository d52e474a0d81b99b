// The desk's keys: one per decision, a digit per reason, and moving on. Every decision is
// the form's own submit, so the page works without this script too.
(function () {
  "use strict";
  const form = document.querySelector("form.desk-decide");
  const viewer = document.querySelector("dialog.desk-viewer");
  let sent = false;

  function typing(target) {
    if (!target) return false;
    const tag = target.tagName;
    return tag === "TEXTAREA" || tag === "SELECT" || target.isContentEditable ||
      (tag === "INPUT" && !["radio", "checkbox", "button", "submit"].includes(target.type));
  }

  function show(button) {
    if (!viewer) { window.open(button.dataset.full, "_blank", "noopener"); return; }
    const image = viewer.querySelector("img");
    const video = viewer.querySelector("video");
    const isVideo = button.dataset.kind === "video";
    image.hidden = isVideo;
    video.hidden = !isVideo;
    if (isVideo) { video.src = button.dataset.full; } else { image.src = button.dataset.full; video.removeAttribute("src"); }
    viewer.showModal();
  }

  function close() {
    if (!viewer || !viewer.open) return;
    const video = viewer.querySelector("video");
    video.pause();
    viewer.close();
  }

  document.querySelectorAll(".desk-picture").forEach((button) => {
    button.addEventListener("click", () => show(button));
  });
  if (viewer) {
    viewer.querySelector(".desk-close").addEventListener("click", close);
    viewer.addEventListener("click", (event) => { if (event.target === viewer) close(); });
  }

  if (form) {
    form.addEventListener("submit", (event) => {
      const button = event.submitter;
      if (sent) { event.preventDefault(); return; }
      if (button && button.dataset.needsReason && !form.querySelector("input[name=reason]:checked")) {
        event.preventDefault();
        form.querySelector(".desk-hint").hidden = false;
        return;
      }
      sent = true;
    });
  }

  function go(selector) {
    const link = document.querySelector(selector);
    if (link) window.location.assign(link.href);
  }

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "Escape") {
      if (viewer && viewer.open) { close(); event.preventDefault(); }
      else if (typing(event.target)) event.target.blur();
      return;
    }
    if (typing(event.target)) return;
    const key = event.key.toLowerCase();
    if (key === "v") {
      event.preventDefault();
      if (viewer && viewer.open) { close(); return; }
      const picture = document.querySelector(".desk-picture");
      if (picture) show(picture);
      return;
    }
    if (viewer && viewer.open) return;
    if (key === "j") { event.preventDefault(); go("a.desk-next"); return; }
    if (key === "k") { event.preventDefault(); go("a.desk-previous"); return; }
    if (!form) return;
    if (key === "n") { event.preventDefault(); form.querySelector("textarea[name=note]").focus(); return; }
    const reason = form.querySelector(`input[name=reason][data-key="${CSS.escape(key)}"]`);
    if (reason) { event.preventDefault(); reason.checked = true; form.querySelector(".desk-hint").hidden = true; return; }
    const button = form.querySelector(`button[data-key="${CSS.escape(key)}"]`);
    if (button) { event.preventDefault(); form.requestSubmit(button); }
  });
})();
