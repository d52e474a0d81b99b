"""The desk's page, in the admin (`/admin/desk/`): the item to judge, whole, with its
decisions, one key each, and the queue beneath it. A decision is one form post; its answer
opens the next item by itself, so each decision costs one page load. Opening an item claims
it (moderation.claims). What it shows and decides is `moderation.desk`."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from accounts.models import User
from core.errors import ApplicationError
from moderation import desk


def _split(key: str) -> tuple[str, int] | None:
    kind, _, object_id = key.partition(":")
    return (kind, int(object_id)) if object_id.isdigit() else None


def _url(**params: str) -> str:
    kept = {name: value for name, value in params.items() if value}
    return reverse("moderation-desk") + (f"?{urlencode(kept)}" if kept else "")


@require_http_methods(["GET", "POST"])
def desk_view(request: HttpRequest) -> HttpResponse:
    moderator: User = request.user  # type: ignore[assignment]  # the admin lets in staff only
    if not desk.kinds_for(moderator):
        raise PermissionDenied
    if request.method == "POST":
        return _decide(request, moderator)
    kind = request.GET.get("kind", "")
    wall = request.GET.get("wall", "")
    released = _split(request.GET.get("release", ""))
    if released is not None:
        desk.release(moderator, *released)
    queue = desk.queue(
        moderator, request=request, kind=kind, wall=wall, after=request.GET.get("after", "")
    )
    current = None
    opened = _split(request.GET.get("item", ""))
    if opened is not None:
        entry = desk.entry_of(*opened)
        if entry is None or not moderator.has_perm(entry.kind.permission):
            messages.warning(request, gettext("That item is gone, or not yours to decide."))
        else:
            current = next(iter(desk.load([entry], request=request)), None)
    elif queue.entries:
        current = queue.entries[0]
    if current is not None:
        desk.open_for(moderator, current)
    others = [entry for entry in queue.entries if current is None or entry.key != current.key]
    filters = {"kind": kind, "wall": wall}
    return TemplateResponse(
        request,
        "admin/moderation/desk.html",
        {
            **admin.site.each_context(request),
            "title": gettext("Moderation desk"),
            "queue": queue,
            "current": current,
            "others": others,
            "filters": filters,
            "next_url": _url(
                **filters,
                after=current.position if current else "",
                release=current.key if current else "",
            ),
            "previous_url": _url(**filters, item=others[-1].key) if others else "",
            "reasons": desk.reason_keys(),
            "target_minutes": settings.MODERATION_TARGET_MINUTES,
        },
    )


def _decide(request: HttpRequest, moderator: User) -> HttpResponse:
    post = request.POST
    filters = {"kind": post.get("filter_kind", ""), "wall": post.get("filter_wall", "")}
    kind, object_id = post.get("kind", ""), post.get("id", "")
    key = f"{kind}:{object_id}"
    after = post.get("position", "")
    if not object_id.isdigit() or not post.get("seen", "").isdigit():
        messages.error(request, gettext("That form was not the desk's."))
        return HttpResponseRedirect(_url(**filters))
    try:
        decision = desk.decide(
            moderator=moderator,
            kind=kind,
            object_id=int(object_id),
            action=post.get("action", ""),
            seen=int(post["seen"]),
            reason=post.get("reason", ""),
            note=post.get("note", "")[:500],
        )
    except ApplicationError as exc:
        messages.error(request, f"#{object_id}: {exc.message}")
        if exc.code in ("claimed", "not_found"):
            # Someone else's now, or gone: go on to the next.
            return HttpResponseRedirect(_url(**filters, after=after))
        return HttpResponseRedirect(_url(**filters, item=key))
    desk_kind = desk.kinds.get(kind)
    messages.success(
        request,
        gettext("%(decision)s: %(kind)s #%(id)s.")
        % {
            "decision": decision.title,
            "kind": desk_kind.label if desk_kind else kind,
            "id": object_id,
        },
    )
    return HttpResponseRedirect(_url(**filters, after=after))
