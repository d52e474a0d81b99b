"""Origin checking for WebSocket handshakes (DESIGN.md §3).

The socket authenticates by token, never by cookie, so a handshake without an `Origin` header
(a mini program's `wx.connectSocket`, or any native client) carries no cross-site risk and is
accepted. A handshake that carries a browser `Origin` must match ALLOWED_HOSTS, exactly as
Channels' `AllowedHostsOriginValidator` checks it; Channels' own validator would also refuse
the native clients, which is why this exists.
"""

from __future__ import annotations

from channels.security.websocket import OriginValidator
from django.conf import settings


class TokenSocketOriginValidator(OriginValidator):
    def __init__(self, application) -> None:
        allowed_hosts = settings.ALLOWED_HOSTS
        if settings.DEBUG and not allowed_hosts:
            allowed_hosts = ["localhost", "127.0.0.1", "[::1]"]
        super().__init__(application, allowed_hosts)

    def valid_origin(self, parsed_origin) -> bool:
        if parsed_origin is None:
            return True
        return self.validate_origin(parsed_origin)
