"""The floor: a one-file Django JSON view (settings, URL and view in this file), served the
same way as the project, so the benchmark can say what the project's paths cost relative to
the least any Django request costs on this machine."""

from __future__ import annotations

import os

from django.http import JsonResponse
from django.urls import path

SECRET_KEY = "bench-baseline"  # noqa: S105 - a throwaway benchmark app
DEBUG = False
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = __name__
USE_TZ = True
MIDDLEWARE: list[str] = []
INSTALLED_APPS: list[str] = []


def hello(request):
    return JsonResponse({"hello": "world", "items": list(range(10))})


urlpatterns = [path("", hello)]

_handler = None


def application(environ, start_response):
    """The WSGI app (`gunicorn bench.baseline_app:application`), built on the first request so
    that importing this module as settings does not start Django twice."""
    global _handler
    if _handler is None:
        os.environ["DJANGO_SETTINGS_MODULE"] = __name__
        from django.core.wsgi import get_wsgi_application

        _handler = get_wsgi_application()
    return _handler(environ, start_response)
