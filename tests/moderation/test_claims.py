"""Two moderators at once: opening an item claims it; the other sees who has it, the queue
goes past it, and the other's decision on it is refused until the claim runs out."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from messages_app import services as confessions
from messages_app.models import Confession
from moderation.models import BannedPhrase, Claim

pytestmark = pytest.mark.django_db

QUEUE = "/admin/messages_app/queuedconfession/"
CONFESSIONS = "/admin/messages_app/confession/"


@pytest.fixture
def second_moderator(django_user_model):
    user = django_user_model.objects.create_user(username="mod2", is_staff=True)
    user.groups.add(Group.objects.get(name="Moderators"))
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@pytest.fixture
def pending(alice, bob) -> Confession:
    BannedPhrase.objects.create(phrase="dubious", action=BannedPhrase.OnMatch.REVIEW)
    sent = confessions.confession_send(sender=alice, recipient_username="bob", body="dubious")
    assert sent.status == "pending"
    return sent


def test_two_moderators_on_one_item(moderator_client, second_moderator, pending, settings):
    settings.MODERATION_CLAIM_MINUTES = 5
    # The first opens it: it is theirs for five minutes.
    assert moderator_client.get(f"{CONFESSIONS}{pending.pk}/change/").status_code == 200
    claim = Claim.objects.get(object_id=pending.pk)
    assert claim.moderator.username == "mod"

    # The second sees who has it, in the list and on the item, and the queue goes past it.
    listing = second_moderator.get(CONFESSIONS).content.decode()
    assert 'field-claimed_by">mod<' in listing
    page = second_moderator.get(f"{CONFESSIONS}{pending.pk}/change/").content.decode()
    assert "Mod is on this item until" in page  # (the admin capitalizes a message)
    assert Claim.objects.get(object_id=pending.pk).moderator.username == "mod"  # still theirs
    queue = second_moderator.get(QUEUE).context["cl"].result_list
    assert pending.pk not in [item.pk for item in queue]

    # The second's decision is refused, with who has it; nothing changes.
    refused = second_moderator.post(CONFESSIONS, {
        "action": "approve", "_selected_action": [pending.pk], "apply": "1",
    }, follow=True)  # fmt: skip
    assert "mod is on this item until" in refused.content.decode()
    pending.refresh_from_db()
    assert pending.status == "pending"

    # The first decides; the item is free again.
    moderator_client.post(CONFESSIONS, {
        "action": "approve", "_selected_action": [pending.pk], "apply": "1",
    })  # fmt: skip
    pending.refresh_from_db()
    assert pending.status == "approved"
    assert not Claim.objects.filter(object_id=pending.pk).exists()


def test_a_claim_runs_out(moderator_client, second_moderator, pending):
    moderator_client.get(f"{CONFESSIONS}{pending.pk}/change/")
    Claim.objects.update(until=Claim.objects.get().until - timedelta(minutes=10))
    second_moderator.get(f"{CONFESSIONS}{pending.pk}/change/")
    assert Claim.objects.get(object_id=pending.pk).moderator.username == "mod2"
