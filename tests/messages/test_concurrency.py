"""Races, for real: threads with their own PostgreSQL connections."""

from __future__ import annotations

import threading

import pytest
from django.db import connections

from messages_app import services
from messages_app.models import Confession, Match
from realtime.models import Notification
from tests.factories import client_of

pytestmark = [pytest.mark.service("postgres"), pytest.mark.django_db(transaction=True)]


def run_together(actions) -> list:
    barrier = threading.Barrier(len(actions))
    results: list = [None] * len(actions)

    def run(index: int, action) -> None:
        try:
            barrier.wait()
            results[index] = action()
        except Exception as exc:  # the outcome is what the test inspects
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_concurrent_claims_exactly_one_wins(alice, django_user_model):
    claimers = [django_user_model.objects.create_user(username=f"claimer{i}") for i in range(5)]
    clients = [client_of(user) for user in claimers]
    link = services.confession_send(sender=alice, body="for the first to open it")
    statuses = run_together(
        [
            lambda client=client: (
                client.post(f"/api/v1/confessions/shared/{link.share_token}/claim").status_code
            )
            for client in clients
        ]
    )
    assert sorted(statuses) == [200, 410, 410, 410, 410]  # the losers: already_claimed
    winner = claimers[statuses.index(200)]
    link.refresh_from_db()
    assert link.recipient == winner
    assert Notification.objects.filter(type="confession.received").count() == 1


@pytest.mark.parametrize("round_", range(3))
def test_simultaneous_mutual_confessions_match_exactly_once(alice, bob, round_):
    results = run_together(
        [
            lambda: services.confession_send(sender=alice, recipient_username="bob", body="a"),
            lambda: services.confession_send(sender=bob, recipient_username="alice", body="b"),
        ]
    )
    assert all(isinstance(result, Confession) for result in results), results
    assert Match.objects.count() == 1
    for user in (alice, bob):
        assert Notification.objects.filter(recipient=user, type="confession.matched").count() == 1


def test_two_anonymous_sends_at_once_cannot_both_take_the_last_place(
    alice, django_user_model, settings
):
    settings.ANONYMOUS_RECIPIENTS_LIMIT = 1
    people = [django_user_model.objects.create_user(username=f"target{i}") for i in range(4)]
    results = run_together([
        lambda person=person: services.confession_send(
            sender=alice, recipient_username=person.username, body="guess", anonymous=True
        )
        for person in people
    ])  # fmt: skip
    sent = [result for result in results if isinstance(result, Confession)]
    assert len(sent) == 1, results
    assert all(getattr(result, "code", None) == "anonymous_limit"
               for result in results if result not in sent)  # fmt: skip


def test_two_anonymous_links_at_once_cannot_both_take_the_last_place(alice, settings):
    """A link has no recipient and so no pair to lock: the send locks the sender's row alone."""
    settings.ANONYMOUS_RECIPIENTS_LIMIT = 1
    results = run_together([
        lambda: services.confession_send(sender=alice, body="for whoever opens it", anonymous=True)
        for _ in range(4)
    ])  # fmt: skip
    made = [result for result in results if isinstance(result, Confession)]
    assert len(made) == 1, results
    assert all(getattr(result, "code", None) == "anonymous_limit"
               for result in results if result not in made)  # fmt: skip
