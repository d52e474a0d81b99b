"""The Content-Security-Policy of the web client's pages.

Strict: scripts only from our own static files (no inline script, no eval), styles likewise,
and DOM XSS sinks closed by Trusted Types: with `require-trusted-types-for 'script'` and no
policy allowed, a string assigned to `innerHTML` (or any other HTML/script sink) throws, so user
text can only ever reach the page as text. Images and videos come from us or from the media
storage's origin (S3's presigned URLs), or are the `blob:` previews of photos being uploaded.
The page talks to us over HTTP and to our socket, nowhere else, and no other site may frame it."""

from __future__ import annotations

from django.http import HttpRequest

from media_app.signed_urls import current_signer


def media_origin() -> str | None:
    """Where signed media URLs point, when that is not this site (S3)."""
    target = current_signer().target
    return f"{target.scheme}://{target.host}" if target is not None else None


def policy(request: HttpRequest) -> str:
    media = " ".join(filter(None, ["'self'", "blob:", media_origin()]))
    socket = ("wss://" if request.is_secure() else "ws://") + request.get_host()
    directives = {
        "default-src": "'none'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": media + " data:",
        "media-src": media,
        "connect-src": f"'self' {socket}",
        "manifest-src": "'self'",
        "base-uri": "'none'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
        "object-src": "'none'",
        "require-trusted-types-for": "'script'",
        "trusted-types": "'none'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())
