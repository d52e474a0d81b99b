"""The OpenAPI document lists every status and error code each operation can answer with
(core.contract reads them off the code; core.schema writes them in), and the suite holds it to
what the views really answer (tests/contract.py records every error answer of the run)."""

from __future__ import annotations

import textwrap

import pytest
import yaml
from django.test import Client

from core import contract
from messages_app.api.views import ConfessionSendApi
from tests import contract as witness
from walls.api.views import WallJoinApi

pytestmark = [pytest.mark.django_db]


@pytest.fixture(scope="module")
def schema(django_db_blocker) -> dict:
    with django_db_blocker.unblock():
        return yaml.safe_load(Client().get("/api/schema").content)


def codes(operation: dict, status: int) -> list[str]:
    response = operation["responses"][str(status)]
    return response["content"]["application/json"]["schema"]["properties"]["error"]["properties"][
        "code"
    ]["enum"]


def test_an_operation_lists_what_its_services_raise(schema):
    posting = schema["paths"]["/api/v1/walls/{slug}/posts"]["post"]
    # Raised two and three calls down from the view, in walls.services and walls.verification.
    assert {"not_a_member", "not_verified", "muted", "phone_required"} <= set(codes(posting, 403))
    assert "content_rejected" in codes(posting, 400)
    assert "Join this wall first." in posting["responses"]["403"]["description"]
    assert codes(posting, 401) == ["not_authenticated", "token_expired"]
    assert codes(posting, 503) == ["service_unavailable"]
    # The body's fields a validation error may name.
    assert "`body`, `to`, `anonymous`, `media`" in posting["responses"]["400"]["description"]


def test_a_throttled_operation_lists_429_with_retry_after(schema):
    search = schema["paths"]["/api/v1/walls/{slug}/posts"]["get"]
    assert codes(search, 429) == ["throttled"]
    assert search["responses"]["429"]["headers"]["Retry-After"]["schema"]["type"] == "integer"
    verify = schema["paths"]["/api/v1/walls/{slug}/verify"]["post"]
    # HourlyLimit's 429, reached through a local `limit = HourlyLimit(...)`.
    assert codes(verify, 429) == ["throttled"]


def test_media_lists_what_processing_relays(schema):
    upload = schema["paths"]["/api/v1/media"]["post"]
    assert "unsupported_media_type" in codes(upload, 415)
    assert {"image_too_large", "invalid_media", "video_too_long"} <= set(codes(upload, 400))


def test_no_operation_hides_behind_a_default_answer(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert "default" not in operation["responses"], (method, path)
            assert "503" in operation["responses"], (method, path)
            assert operation.get("summary"), (method, path)
            assert operation.get("description"), (method, path)


def test_no_error_of_ours_has_a_code_the_contract_cannot_read():
    unknown = {
        where
        for view, method in contract_operations()
        for where in contract.answers_of(view, method, path_parameters=True, body=True).unknown
    }
    assert not unknown


def contract_operations() -> list[tuple[type, str]]:
    return list(witness.listed_errors())


def test_a_code_raised_deep_down_is_found(tmp_path):
    package = tmp_path / "shop"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "services.py").write_text(
        textwrap.dedent(
            """
            from django.utils.translation import gettext
            from core.errors import ApplicationError

            class Shelf:
                def take(self):
                    message = gettext("Sold out.")
                    raise ApplicationError("sold_out", message, status=409)

            def _check(code):
                Shelf().take()
                raise ApplicationError(code, "computed")

            def buy():
                _check("x")
            """
        )
    )
    (package / "views.py").write_text(
        textwrap.dedent(
            """
            from shop import services

            class BuyApi:
                def post(self, request):
                    services.buy()
            """
        )
    )
    found = contract.Index(root=tmp_path, packages=["shop"])
    reached = list(found.reachable(["shop.views.BuyApi.post"]))
    raises = {(site.status, site.code, site.message) for f in reached for site in f.raises}
    assert raises == {(409, "sold_out", "Sold out.")}
    assert [where for f in reached for where in f.unknown] == ["shop/services.py:12"]


def test_an_answer_not_listed_is_reported():
    listed = witness.listed_errors()
    seen = {
        witness.Seen(WallJoinApi, "post", 403, "invalid_invite_code"): "test_a",
        witness.Seen(WallJoinApi, "post", 409, "brand_new_code"): "test_b",
        witness.Seen(ConfessionSendApi, "post", 403, "not_verified"): "test_c",
    }
    problems = witness.unlisted(seen, listed)
    assert len(problems) == 2
    assert "409 `brand_new_code`" in problems[0]
    assert "test_b" in problems[0]
    assert "ConfessionSendApi answered 403 `not_verified`" in problems[1]


def test_every_error_the_suite_received_is_listed(alice_client, api_client):
    """Runs last (tests/contract.py). Its own requests make sure it never checks nothing."""
    alice_client.post("/api/v1/walls/nowhere/join", {}, format="json")
    alice_client.post("/api/v1/confessions", "{", content_type="application/json")
    api_client.get("/api/v1/confessions/inbox")
    assert len(witness.seen) >= 3
    problems = witness.unlisted(witness.seen, witness.listed_errors())
    assert not problems, "\n".join(problems)
