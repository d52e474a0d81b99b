"""Scheduled delivery: `deliver_at` holds a confession until its time, then the worker delivers
it by the one delivery rule as it stands then. The clock is moved with time-machine."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from rest_framework_simplejwt.tokens import AccessToken

from accounts import services as account_services
from messages_app import services
from messages_app.models import Confession
from realtime.models import Notification
from tests.conftest import run_worker

pytestmark = pytest.mark.django_db

RECEIVED = "confession.received"


@pytest.fixture(autouse=True)
def _no_periodic_jobs_and_tokens_that_outlive_the_travel(settings, monkeypatch):
    settings.TASK_SCHEDULE = {}
    # The clients' access tokens are made before the clock moves days ahead.
    monkeypatch.setattr(AccessToken, "lifetime", timedelta(days=30))


def ahead(**delta) -> datetime:
    return (timezone.now() + timedelta(**delta)).replace(microsecond=0)


def send(client, when: datetime, **fields):
    body = {"recipient": "bob", "body": "see you on the 14th", "deliver_at": when.isoformat()}
    return client.post("/api/v1/confessions", body | fields)


def inbox(client) -> list[int]:
    response = client.get("/api/v1/confessions/inbox")
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["results"]]


def told(user) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, type=RECEIVED))


def at(when: datetime):
    """The clock at `when` (and ticking)."""
    return time_machine.travel(when, tick=True)


def test_it_waits_for_its_time_then_is_delivered(alice_client, bob_client, bob):
    when = ahead(days=3)
    response = send(alice_client, when, anonymous=True)
    assert response.status_code == 201, response.content
    shown = response.json()
    assert shown["status"] == "scheduled"
    assert datetime.fromisoformat(shown["deliver_at"]) == when
    confession_id = shown["id"]
    task = DBTaskResult.objects.get(task_path="messages_app.tasks.confession_deliver")
    assert task.run_after == when

    run_worker()  # not yet its time
    assert inbox(bob_client) == []
    assert told(bob) == []
    assert bob_client.get(f"/api/v1/confessions/{confession_id}").status_code == 404

    with at(when + timedelta(seconds=5)):
        run_worker()
        assert inbox(bob_client) == [confession_id]
        mine = alice_client.get(f"/api/v1/confessions/{confession_id}").json()
        assert mine["status"] == "approved"
        theirs = bob_client.get(f"/api/v1/confessions/{confession_id}").json()
        assert theirs["sender"] is None  # anonymous stays anonymous
        assert theirs["deliver_at"] is None  # the schedule is the sender's business
    [notification] = told(bob)
    assert "alice" not in str(notification.data)
    task.refresh_from_db()
    assert task.status == TaskResultStatus.SUCCESSFUL


def test_the_sender_sees_it_scheduled_in_sent(alice_client, bob):
    when = ahead(hours=2)
    send(alice_client, when)
    [item] = alice_client.get("/api/v1/confessions/sent").json()["results"]
    assert item["status"] == "scheduled"
    assert datetime.fromisoformat(item["deliver_at"]) == when


@pytest.mark.parametrize(
    ("deliver_at", "message"),
    [
        ("2030-02-14T08:00:00", "offset"),
        ("2030-02-30T08:00:00+08:00", "format"),
        ("tomorrow", "format"),
        (12, "format"),
        ("past", "at least 1 minute"),
        ("in 30 s", "at least 1 minute"),
        ("in 367 days", "at most 366 days"),
    ],
)
def test_a_bad_time_is_a_400_and_stores_nothing(alice_client, bob, deliver_at, message):
    deliver_at = {
        "past": ahead(minutes=-5).isoformat(),
        "in 30 s": ahead(seconds=30).isoformat(),
        "in 367 days": ahead(days=367).isoformat(),
    }.get(deliver_at, deliver_at)
    response = alice_client.post(
        "/api/v1/confessions", {"recipient": "bob", "body": "hi", "deliver_at": deliver_at}
    )
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert message in " ".join(error["fields"]["deliver_at"])
    assert not Confession.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_it_counts_toward_the_hourly_limit_when_created(alice_client, bob, settings):
    settings.CONFESSIONS_PER_HOUR = 1
    assert send(alice_client, ahead(days=1)).status_code == 201
    response = alice_client.post("/api/v1/confessions", {"recipient": "bob", "body": "now"})
    assert response.status_code == 429


def test_a_block_made_meanwhile_holds(alice_client, bob_client, bob):
    when = ahead(hours=1)
    confession_id = send(alice_client, when).json()["id"]
    assert bob_client.post("/api/v1/blocks", {"username": "alice"}).status_code == 201
    with at(when + timedelta(seconds=1)):
        run_worker()
        assert inbox(bob_client) == []
        # To its sender it looks sent, as any send to someone who blocks them.
        mine = alice_client.get(f"/api/v1/confessions/{confession_id}").json()
        assert mine["status"] == "approved"
    assert told(bob) == []
    assert Confession.objects.get().suppressed


def test_a_ban_made_meanwhile_holds(alice_client, alice, bob_client, bob):
    when = ahead(hours=1)
    send(alice_client, when)
    account_services.user_ban(user=alice)
    with at(when + timedelta(seconds=1)):
        run_worker()
    assert inbox(bob_client) == []
    assert told(bob) == []


def test_a_recipient_who_deleted_the_account_gets_nothing(alice_client, bob):
    when = ahead(hours=1)
    send(alice_client, when)
    account_services.user_delete(user=bob)
    with at(when + timedelta(seconds=1)):
        run_worker()
    task = DBTaskResult.objects.get(task_path="messages_app.tasks.confession_deliver")
    assert task.status == TaskResultStatus.SUCCESSFUL  # nothing to do is not a failure
    assert not Notification.objects.exists()


def test_a_worker_that_was_down_delivers_what_is_overdue_once(alice_client, bob_client, bob):
    when = ahead(minutes=5)
    confession_id = send(alice_client, when).json()["id"]
    with at(when + timedelta(days=2)):  # the worker comes back two days late
        run_worker()
        run_worker("w2")
        assert inbox(bob_client) == [confession_id]
    assert len(told(bob)) == 1
    # The task itself, run again (a worker died after delivering, say), changes nothing.
    assert services.confession_deliver_scheduled(confession_id=confession_id) is False
    assert len(told(bob)) == 1


def test_retracted_before_its_time_it_never_arrives(alice_client, bob_client, bob):
    when = ahead(hours=1)
    confession_id = send(alice_client, when).json()["id"]
    assert alice_client.delete(f"/api/v1/confessions/{confession_id}").status_code == 204
    with at(when + timedelta(seconds=1)):
        run_worker()
    assert inbox(bob_client) == []
    assert told(bob) == []


@pytest.mark.parametrize("method", ["patch", "put"])
def test_its_sender_moves_it_later(alice_client, bob_client, bob, method):
    first, later = ahead(hours=1), ahead(days=2)
    confession_id = send(alice_client, first).json()["id"]
    moved = getattr(alice_client, method)(
        f"/api/v1/confessions/{confession_id}", {"deliver_at": later.isoformat()}
    )
    assert moved.status_code == 200, moved.content
    assert datetime.fromisoformat(moved.json()["deliver_at"]) == later
    assert moved.json()["status"] == "scheduled"
    with at(first + timedelta(seconds=1)):
        run_worker()
    assert told(bob) == []
    with at(later + timedelta(seconds=1)):
        run_worker()
        assert inbox(bob_client) == [confession_id]
    assert len(told(bob)) == 1


def test_moved_earlier_it_arrives_once(alice_client, bob_client, bob):
    first, earlier = ahead(days=2), ahead(hours=1)
    confession_id = send(alice_client, first).json()["id"]
    alice_client.patch(f"/api/v1/confessions/{confession_id}", {"deliver_at": earlier.isoformat()})
    with at(earlier + timedelta(seconds=1)):
        run_worker()
    with at(first + timedelta(seconds=1)):
        run_worker()
    assert len(told(bob)) == 1


def test_only_its_sender_may_move_it_and_only_while_it_waits(
    alice_client, bob_client, carol_client, bob
):
    when = ahead(hours=1)
    confession_id = send(alice_client, when).json()["id"]
    url, body = f"/api/v1/confessions/{confession_id}", {"deliver_at": ahead(days=1).isoformat()}
    # Strangers, and its recipient before it arrives, cannot tell it exists.
    for client in (carol_client, bob_client):
        response = client.patch(url, body)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    assert alice_client.patch("/api/v1/confessions/999999", body).status_code == 404
    assert alice_client.patch(url, {"deliver_at": "soon"}).status_code == 400
    with at(when + timedelta(seconds=1)):
        run_worker()
        late = alice_client.patch(url, {"deliver_at": ahead(days=1).isoformat()})
        assert late.status_code == 409
        assert late.json()["error"]["code"] == "not_scheduled"
        assert bob_client.patch(url, body).status_code == 403  # its recipient, now
    # One sent at once was never scheduled.
    now_id = alice_client.post("/api/v1/confessions", {"recipient": "bob", "body": "hi"}).json()
    assert alice_client.patch(f"/api/v1/confessions/{now_id['id']}", body).status_code == 409


def test_a_share_link_opens_at_its_time(alice_client, bob_client, bob):
    when = ahead(hours=1)
    created = alice_client.post(
        "/api/v1/confessions", {"body": "for whoever opens this", "deliver_at": when.isoformat()}
    ).json()
    assert created["status"] == "scheduled"
    token = created["share_token"]
    assert bob_client.get(f"/api/v1/confessions/shared/{token}").status_code == 404
    assert bob_client.post(f"/api/v1/confessions/shared/{token}/claim").status_code == 404
    with at(when + timedelta(seconds=1)):
        assert bob_client.get(f"/api/v1/confessions/shared/{token}").status_code == 200
        claimed = bob_client.post(f"/api/v1/confessions/shared/{token}/claim")
        assert claimed.status_code == 200
        assert inbox(bob_client) == [created["id"]]
        assert alice_client.get(f"/api/v1/confessions/{created['id']}").json()["status"] == (
            "approved"
        )
    assert len(told(bob)) == 1


def test_one_held_for_review_and_approved_early_still_waits_for_its_time(
    alice_client, bob_client, bob, settings, django_user_model
):
    from moderation.models import BannedPhrase

    BannedPhrase.objects.create(phrase="meet me", action="review")
    when = ahead(hours=1)
    confession_id = send(alice_client, when, body="meet me at noon").json()["id"]
    moderator = django_user_model.objects.create_user(username="mod", is_staff=True)
    services.confession_approve(moderator=moderator, confession_id=confession_id)
    assert told(bob) == []
    with at(when + timedelta(seconds=1)):
        run_worker()
        assert inbox(bob_client) == [confession_id]
    assert len(told(bob)) == 1


def test_a_deliver_at_in_another_zone_means_that_instant(alice_client, bob):
    when = ahead(days=1).astimezone(UTC)
    beijing = when.astimezone(timezone.get_fixed_timezone(8 * 60))
    response = send(alice_client, beijing)
    assert datetime.fromisoformat(response.json()["deliver_at"]) == when
