"""The web client's pages: one HTML shell for the whole app (`/app/`), and the share-link
landing page (`/s/<token>`), the same shell with a share card's meta for link previews.

The shell carries no user data: the page's scripts (static files, plain ES modules) fetch
everything through the API as the mini program does. A share link's preview (Open Graph, and
the `itemprop` meta WeChat reads) says only that a confession is waiting, with a neutral
picture: nothing of the confession, its sender or whether the link still opens."""

from __future__ import annotations

import re

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import translation
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from webclient.csp import policy

# Share tokens as we make them (secrets.token_urlsafe); anything else is no link of ours.
_TOKEN = re.compile(r"[A-Za-z0-9_-]{8,64}")
# Inbox link handles as we make them (messages_app.services.inbox_links).
_HANDLE = re.compile(r"[a-z0-9]{6,32}")


def _page(request: HttpRequest, context: dict) -> HttpResponse:
    language = translation.get_language() or "en"
    response = render(
        request,
        "webclient/shell.html",
        {
            "html_lang": translation.to_locale(language).replace("_", "-"),
            "language": language,
            **context,
        },
    )
    response["Content-Security-Policy"] = policy(request)
    response["Cache-Control"] = "no-cache"
    response["X-Robots-Tag"] = "noindex"
    return response


def _card(request: HttpRequest, title: str, description: str) -> dict[str, str]:
    """A link preview's meta: words that name nobody, and the neutral picture."""
    return {
        "title": title,
        "description": description,
        "image": request.build_absolute_uri(static("webclient/share.png")),
        "url": request.build_absolute_uri(),
    }


@require_safe
def app_shell(request: HttpRequest) -> HttpResponse:
    return _page(request, {"title": gettext("Confessions")})


@require_safe
def share_landing(request: HttpRequest, token: str) -> HttpResponse:
    if not _TOKEN.fullmatch(token):
        raise Http404
    card = _card(
        request,
        gettext("Someone has a confession for you"),
        gettext("A message is waiting for you. Open the link to read it."),
    )
    return _page(request, {"title": card["title"], "share": card, "share_token": token})


@require_safe
def link_landing(request: HttpRequest, handle: str) -> HttpResponse:
    """A personal inbox link's page: the app shell, opening the link's card. Its preview says
    only that you may write anonymously: not whose link it is."""
    if not _HANDLE.fullmatch(handle):
        raise Http404
    card = _card(
        request,
        gettext("Write to me anonymously"),
        gettext("Open the link to leave an anonymous message."),
    )
    return _page(request, {"title": card["title"], "share": card, "link_handle": handle})


@require_safe
def root(request: HttpRequest) -> HttpResponse:
    return redirect("webclient:app")
