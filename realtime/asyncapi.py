"""The notifications socket as an AsyncAPI 3 document, served at `/api/asyncapi.json`.

Built from the code, like the OpenAPI document: the server's frames (one message per event
type of `realtime.events`, with the keys its `data` carries), the client's frames, the error
frames' codes and the close codes (`realtime.services.CLOSE_*`). The document describes this
server: it *receives* the client's frames and *sends* its own. A test validates it with
`@asyncapi/cli` and holds it to the registry and to the consumer's error codes.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.http import HttpRequest, JsonResponse

from realtime import consumers, events, services

# Frames the consumer answers with `{"type": "error", "error": {"code", "message"}}`.
ERROR_CODES = {
    "bad_frame": "A frame that is not a JSON object of ours, or lacks what its type needs.",
    "unknown_type": "A frame of a type the socket does not know.",
    "token_expired": "An `auth` frame's token has expired: refresh it and send it again.",
    "not_authenticated": "An `auth` frame's token is not an access token of this socket's user.",
}

CLOSE_CODES = {
    services.CLOSE_NOT_AUTHENTICATED: (
        "A bad, missing or expired token (a socket closes when its token expires unless an "
        "`auth` frame renewed it), or the account was deleted: refresh, then reconnect with "
        "`?after=`."
    ),
    services.CLOSE_BANNED: "The account was banned: do not reconnect.",
    services.CLOSE_REPLACED: (
        "The user opened more than SOCKETS_PER_USER sockets and this, their oldest, made room: "
        "do not reconnect (a newer page holds the socket)."
    ),
    services.CLOSE_FRAME_TOO_LARGE: f"A frame over {consumers.MAX_FRAME_CHARS} characters.",
    services.CLOSE_TOO_MANY_FRAMES: (
        f"Too many frames: at most {consumers.FLOOD_BURST} in a burst, "
        f"{consumers.FLOOD_PER_SECOND:g} a second sustained."
    ),
    services.CLOSE_TRY_AGAIN_LATER: (
        "The database or Redis is away: keep the token, reconnect a little later with `?after=`."
    ),
}

_PERSON = {
    "type": ["object", "null"],
    "properties": {"username": {"type": "string"}, "display_name": {"type": "string"}},
}


def data_keys(event: events.EventType) -> dict[str, str]:
    """The keys an event's `data` carries, each with what its declaration says of it:
    "`post_id`, `new` (likes since the last one told)" → {post_id: "", new: "likes since..."}."""
    keys: dict[str, str] = {}
    depth, part, parts = 0, "", []
    for char in event.data:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(part)
            part = ""
        else:
            part += char
    parts.append(part)
    for item in parts:
        found = re.match(r"\s*`(\w+)`\s*(?:\((.*)\))?\s*$", item, re.DOTALL)
        if found:
            keys[found[1]] = " ".join((found[2] or "").split())
    return keys


def _event_message(event: events.EventType) -> dict[str, Any]:
    properties = {}
    for key, note in data_keys(event).items():
        schema: dict[str, Any] = (
            dict(_PERSON) if re.search(r"\bwho\b|as `sent` shows them", note) else {}
        )
        if key.endswith("_id") or key in {"id", "total", "new"}:
            schema = {"type": ["integer", "null"] if "only" in note else "integer"}
        if note:
            schema["description"] = note
        properties[key] = schema
    return {
        "name": event.name,
        "title": event.name,
        "summary": f"To {event.to}.",
        "payload": {
            "type": "object",
            "required": ["id", "type", "created_at", "data", "preview"],
            "properties": {
                "id": {"type": "integer", "description": "The notification's id: ack it."},
                "type": {"const": event.name},
                "created_at": {
                    "type": "string",
                    "format": "date-time",
                    "description": "To the minute.",
                },
                "data": {"type": "object", "properties": properties},
                "preview": {
                    "type": ["string", "null"],
                    "description": "The first characters of the text it is about, or null.",
                },
            },
        },
    }


def _frame(name: str, summary: str, properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "title": name,
        "summary": summary,
        "payload": {
            "type": "object",
            "required": list(properties),
            "properties": properties,
        },
    }


CLIENT_FRAMES = {
    "ping": _frame("ping", "Keeps the socket open; answered `pong`.", {"type": {"const": "ping"}}),
    "ack": _frame(
        "ack",
        "Marks the notifications up to an id read.",
        {"type": {"const": "ack"}, "up_to": {"type": "integer", "minimum": 0}},
    ),
    "authRenew": _frame(
        "auth",
        "Renews the socket with a fresh access token of the same user.",
        {"type": {"const": "auth"}, "token": {"type": "string", "minLength": 1}},
    ),
}

SERVER_FRAMES = {
    "pong": _frame("pong", "The answer to a ping.", {"type": {"const": "pong"}}),
    "authRenewed": _frame(
        "auth",
        "A renewal took: the socket now lives until the new token's expiry.",
        {"type": {"const": "auth"}, "expires_at": {"type": "string", "format": "date-time"}},
    ),
    "error": _frame(
        "error",
        "A frame the socket could not take; the socket stays open.",
        {
            "type": {"const": "error"},
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": {"type": "string", "enum": sorted(ERROR_CODES)},
                    "message": {"type": "string"},
                },
                "description": "\n".join(f"- `{c}`: {t}" for c, t in ERROR_CODES.items()),
            },
        },
    ),
}


def _message_id(name: str) -> str:
    """An event type's message id: `confession.received` → `confessionReceived`."""
    head, *rest = re.split(r"[._]", name)
    return head + "".join(part.title() for part in rest)


def document() -> dict[str, Any]:
    closes = "\n".join(f"- `{code}`: {text}" for code, text in sorted(CLOSE_CODES.items()))
    event_messages = {_message_id(e.name): _event_message(e) for e in events.registered()}
    messages = {**CLIENT_FRAMES, **SERVER_FRAMES, **event_messages}
    channel = "#/channels/notifications"

    def refs(names) -> list[dict[str, str]]:
        return [{"$ref": f"{channel}/messages/{name}"} for name in names]

    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Confessions notifications socket",
            "version": "1.0.0",
            "description": (
                "One socket per signed-in app: notifications live, a catch-up with "
                "`?after=<last id>` on reconnect (in order, no gaps, no duplicates), token "
                "renewal over the socket. Frames are JSON text of at most "
                f"{consumers.MAX_FRAME_CHARS} characters.\n\nClose codes:\n{closes}"
            ),
        },
        "servers": {
            "app": {
                "host": settings.ALLOWED_HOSTS[0] if settings.ALLOWED_HOSTS else "localhost",
                "protocol": "wss",
                "description": "The socket server (uvicorn) behind the site's host.",
            }
        },
        "channels": {
            "notifications": {
                "address": "/ws/notifications/",
                "title": "Notifications",
                "description": (
                    "Authenticate with `Authorization: Bearer <access>` (wx.connectSocket's "
                    "header) or `?token=<access>` (browsers). A refused token closes the socket "
                    "with 4401 right after the handshake."
                ),
                "messages": {name: {"$ref": f"#/components/messages/{name}"} for name in messages},
                "bindings": {
                    "ws": {
                        "method": "GET",
                        "query": {
                            "type": "object",
                            "properties": {
                                "after": {
                                    "type": "integer",
                                    "minimum": 0,
                                    "description": "The last notification id you saw.",
                                },
                                "token": {"type": "string", "description": "An access token."},
                            },
                        },
                        "headers": {
                            "type": "object",
                            "properties": {
                                "Authorization": {"type": "string", "pattern": "^Bearer "}
                            },
                        },
                        "bindingVersion": "0.1.0",
                    }
                },
                "x-close-codes": {str(code): text for code, text in sorted(CLOSE_CODES.items())},
            }
        },
        "operations": {
            "receiveClientFrames": {
                "action": "receive",
                "channel": {"$ref": channel},
                "summary": "What a client sends.",
                "messages": refs(CLIENT_FRAMES),
            },
            "sendReplies": {
                "action": "send",
                "channel": {"$ref": channel},
                "summary": "The server's answers to the client's frames.",
                "messages": refs(SERVER_FRAMES),
            },
            "sendNotifications": {
                "action": "send",
                "channel": {"$ref": channel},
                "summary": "Notifications, live and on catch-up, in id order.",
                "messages": refs(event_messages),
            },
        },
        "components": {"messages": messages},
    }


def asyncapi_view(request: HttpRequest) -> JsonResponse:
    """`GET /api/asyncapi.json`: public, like `/api/schema`."""
    return JsonResponse(document(), json_dumps_params={"ensure_ascii": False})
