"""ASGI entry point: HTTP through Django, WebSocket through Channels.

`make run` serves both from this one process, and runs the background worker in it too
(TASKS_WORKER_IN_SERVER=1, background.embedded). In production only `/ws/` is routed here; the
proxy sends HTTP to the WSGI service, which is much cheaper per request (DESIGN.md §1).
"""

import os

from django.core.asgi import get_asgi_application

from core import tracing  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "confessions_backend.settings")
tracing.setup()  # before the middleware loads: OpenTelemetry adds its own (OTEL_* opt-in)

# Django must be set up before anything imports models.
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.conf import settings  # noqa: E402

from background.embedded import EmbeddedWorkerLifespan  # noqa: E402
from confessions_backend.startup import settle_heap  # noqa: E402
from realtime.auth import JwtAuthMiddleware  # noqa: E402
from realtime.origin import TokenSocketOriginValidator  # noqa: E402
from realtime.routing import websocket_urlpatterns  # noqa: E402

protocols = {
    "http": django_asgi_app,
    "websocket": TokenSocketOriginValidator(JwtAuthMiddleware(URLRouter(websocket_urlpatterns))),
}
if settings.TASKS_WORKER_IN_SERVER:
    # `make run`: background tasks run in this process, beside the requests and sockets.
    protocols["lifespan"] = EmbeddedWorkerLifespan()
application = ProtocolTypeRouter(protocols)
settle_heap()
