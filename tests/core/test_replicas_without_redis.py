"""The read-your-writes mark lives in Redis (core.replicas): with Redis away, a write the
database accepted is still answered as accepted (a 500 would send the client to write it again),
and reads go to the primary, where nothing the user wrote can be missing. Found by the
multi-host drill: a send on a host cut off the network answered 500 after it committed."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory, override_settings
from rest_framework_simplejwt.tokens import AccessToken

from core import replicas
from tests.servers import free_port

UNREACHABLE_REDIS = {
    "default": {
        "BACKEND": "core.cache.RedisCache",
        "LOCATION": f"redis://127.0.0.1:{free_port()}/0",  # nothing listens there
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
}


class User:
    pk = id = 4242
    is_active = True


def bearer() -> str:
    return f"Bearer {AccessToken.for_user(User())}"


def middleware(seen: list) -> replicas.ReplicaMiddleware:
    def view(request: HttpRequest) -> HttpResponse:
        seen.append(replicas.current())
        return HttpResponse(status=201 if request.method == "POST" else 200)

    layer = replicas.ReplicaMiddleware(view)
    layer.replicas = ["replica_0"]  # as with DATABASE_REPLICA_URLS set
    return layer


@override_settings(CACHES=UNREACHABLE_REDIS)
def test_a_write_is_answered_as_accepted_though_the_mark_cannot_be_kept(caplog):
    seen: list = []
    request = RequestFactory().post("/api/v1/confessions", HTTP_AUTHORIZATION=bearer())
    with caplog.at_level(logging.WARNING, logger="core.replicas"):
        response = middleware(seen)(request)
    assert response.status_code == 201
    assert seen == [None]  # the write itself went to the primary
    assert any("read-your-writes" in record.getMessage() for record in caplog.records)


@override_settings(CACHES=UNREACHABLE_REDIS)
def test_reads_go_to_the_primary_when_the_mark_cannot_be_read():
    seen: list = []
    request = RequestFactory().get("/api/v1/confessions/sent", HTTP_AUTHORIZATION=bearer())
    response = middleware(seen)(request)
    assert response.status_code == 200
    assert seen == [None]


def test_with_redis_a_reader_who_did_not_write_reads_a_replica():
    seen: list = []
    request = RequestFactory().get("/api/v1/confessions/inbox", HTTP_AUTHORIZATION=bearer())
    middleware(seen)(request)
    assert seen == ["replica_0"]
