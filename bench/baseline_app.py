"""The floor: a one-file Django JSON view (settings, URL and view in this file), served the
same way as the project, so the benchmark can say what the project's paths cost relative to
the least any Django request costs on this machine."""

from __future__ import annotations

import os
from collections.abc import Callable

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


def one_file_application(settings_module: str, setup: Callable[[], None] = lambda: None):
    """The WSGI app of a one-file Django app (this one, bench/floor_app.py), built on the first
    request (after `setup`) so that importing its module as settings does not start Django
    twice."""
    handler = None

    def application(environ, start_response):
        nonlocal handler
        if handler is None:
            setup()
            os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
            from django.core.wsgi import get_wsgi_application

            handler = get_wsgi_application()
        return handler(environ, start_response)

    return application


application = one_file_application(__name__)  # gunicorn bench.baseline_app:application
