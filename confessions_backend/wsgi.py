"""WSGI entry point: production HTTP (`/api`, `/admin`, static) under gunicorn."""

import os

from django.core.wsgi import get_wsgi_application

from confessions_backend.startup import settle_heap
from core import tracing

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "confessions_backend.settings")
tracing.setup()  # before the middleware loads: OpenTelemetry adds its own (OTEL_* opt-in)

application = get_wsgi_application()
settle_heap()
