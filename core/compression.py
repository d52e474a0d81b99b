"""gzip for JSON responses over 1 KB, when the client accepts it: an inbox page of photos is
~60 KB of JSON and mini programs pay for every byte on mobile networks.

Django's GZipMiddleware does the work (with its length-hiding random bytes against BREACH);
this one limits it to JSON of at least 1 KB, where compressing pays for its CPU. Behind the
compose file's nginx, nginx compresses instead (`DJANGO_GZIP=0` there), so app workers keep
their CPU for requests."""

from __future__ import annotations

from django.middleware.gzip import GZipMiddleware

MIN_BYTES = 1024


class JsonGZipMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        content_type = response.get("Content-Type", "")
        if response.streaming or "json" not in content_type:
            return response
        if len(response.content) < MIN_BYTES:
            return response
        return super().process_response(request, response)
