"""The socket server's WebSocket protocol: uvicorn's, keeping less for each open socket.

uvicorn's sans-I/O protocol (websockets' `ServerProtocol` under uvicorn's ASGI glue, what its
`--ws auto` picks) keeps, for the whole life of a socket, things only its first moments need:

- the handshake's request and response (websockets' `Request` and `Response`, each with a
  `Headers` of a list per header, 3 KB for a browser's request): the request is read once,
  into the ASGI scope, and the response is sent at the accept; neither is read again;
- an `asyncio.Queue` for the events the application receives (three deques and an event,
  3.3 KB), read by one reader at a time, the application's `receive`.

With 5,000 sockets they are a sixth of the server's memory and a fifth of the objects its full
garbage collection walks (bench/RESULTS.md). This subclass lets the request go once the scope
is built and the response once it is sent (at the keepalive's start), and receives into an
`Inbox`. Everything else is uvicorn's (pinned in requirements.txt).

uvicorn takes it by its dotted path: `uvicorn --ws realtime.protocol:WebSocketProtocol ...`
(its `--ws` imports a path it does not know by name), as compose, Kubernetes, `make run`, the
bench and the tests' servers start it.
"""

from __future__ import annotations

from typing import Any

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.http11 import Request

from realtime.inbox import Inbox

DOTTED_PATH = "realtime.protocol:WebSocketProtocol"


class WebSocketProtocol(WebSocketsSansIOProtocol):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.queue = Inbox()  # type: ignore[assignment]

    def handle_connect(self, event: Request) -> None:
        super().handle_connect(event)
        # What the application reads of the request is in the scope now. websockets' parser
        # keeps the request too, as a local of its generator for the socket's life: its
        # headers, the most of it, are emptied.
        self.request = None  # type: ignore[assignment]
        event.headers.clear()

    def start_keepalive(self) -> None:
        # uvicorn's `send` starts the keepalive right after writing the accept's response:
        # let it go there, not in a wrapper of `send` that every frame would pass through. A
        # refused socket's response goes with the socket.
        self.response = None  # type: ignore[assignment]
        super().start_keepalive()
