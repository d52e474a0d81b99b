"""WSGI entry point: production HTTP (`/api`, `/admin`, static) under gunicorn."""

import os

from django.core.wsgi import get_wsgi_application

from confessions_backend.startup import settle_heap

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "confessions_backend.settings")

application = get_wsgi_application()
settle_heap()
