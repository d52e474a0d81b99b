"""Personal inbox links, as NGL, Sarahah and Tellonym are built on: `/u/<handle>`, where anyone,
signed in or out, writes to its owner anonymously. A message arrives in the owner's inbox as an
anonymous confession marked as from the link (`via_link`), through the whole pipeline of a
confession: the checker chain, reports, blocks, replies.

Who wrote it is known to nobody but superusers, and kept only as far as abuse handling needs:
- signed in, their account (the confession's sender, anonymous as any: a reply reaches them,
  and the owner's "block whoever sent this" blocks them without naming them);
- signed out, a keyed hash of their address (`LinkSender.address_hash`), and a stand-in account
  their messages from that address are sent as (`~` and random: no one may name it). The
  owner's reply reaches nobody, and blocking "whoever sent this" blocks the stand-in: that
  address, on this link.

A message holding one of the owner's filter words is dropped without a word: its writer gets the
same 201 as any other (as Tellonym does), so the filter cannot be probed.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils.translation import gettext

from accounts.models import User
from accounts.selectors import STAND_IN_PREFIX
from authoring.text import clean_text
from core.errors import ApplicationError
from core.words import Muted, distinct_words
from messages_app.models import InboxLink, LinkSender
from messages_app.services.sending import confession_send

PROMPT_MAX_CHARS = 100
FILTER_WORDS_MAX = 50
MESSAGE_MAX_CHARS = 1000
_HANDLE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def _new_handle() -> str:
    return "".join(secrets.choice(_HANDLE_ALPHABET) for _ in range(10))


def link_of(*, user: User) -> InboxLink | None:
    return InboxLink.objects.filter(owner=user).first()


def link_update(*, user: User, changes: dict[str, Any]) -> InboxLink:
    """Make or change the user's link (`enabled`, `paused`, `prompt`, `filter_words`); it gets
    its handle when first made, and keeps it."""
    prompt = changes.get("prompt")
    if prompt is not None:
        prompt = prompt.strip()
        if len(prompt) > PROMPT_MAX_CHARS:
            raise ValidationError(
                {"prompt": [gettext("At most %(count)d characters.") % {"count": PROMPT_MAX_CHARS}]}
            )
    words = changes.get("filter_words")
    if words is not None:
        words, unmatchable = distinct_words(words)
        if unmatchable:
            raise ValidationError(
                {"filter_words": [gettext("A filtered word needs a letter or a digit.")]}
            )
        if len(words) > FILTER_WORDS_MAX:
            raise ValidationError(
                {
                    "filter_words": [
                        gettext("At most %(count)d filtered words.") % {"count": FILTER_WORDS_MAX}
                    ]
                }
            )
    with transaction.atomic():
        link = InboxLink.objects.select_for_update().filter(owner=user).first()
        if link is None:
            link = InboxLink(owner=user, handle=_new_handle())
        for field, value in (
            ("enabled", changes.get("enabled")),
            ("paused", changes.get("paused")),
            ("prompt", prompt),
            ("filter_words", words),
        ):
            if value is not None:
                setattr(link, field, value)
        link.save()
    return link


def link_open(*, handle: str) -> InboxLink:
    """A link anyone may see: enabled, its owner active; else 404, as for no link at all."""
    link = (
        InboxLink.objects.select_related("owner__avatar")
        .filter(handle=handle, enabled=True, owner__is_active=True)
        .first()
    )
    if link is None:
        raise Http404
    return link


def address_hash(address: str) -> str:
    """The writer's address, keyed with the server's secret: the same address hashes the same
    (abuse handling can tell one writer's messages), and nobody without the key can undo it."""
    key = hashlib.sha256(b"inbox-link-address:" + settings.SECRET_KEY.encode()).digest()
    return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()


def _stand_in(link: InboxLink, address: str) -> User:
    """The stand-in account of a signed-out writer from `address` to `link` (made once)."""
    digest = address_hash(address)
    known = LinkSender.objects.filter(link=link, address_hash=digest).select_related("stand_in")
    found = known.first()
    if found is not None:
        return found.stand_in
    try:
        with transaction.atomic():
            user = User(username=f"{STAND_IN_PREFIX}{secrets.token_hex(8)}")
            user.set_unusable_password()
            user.save()
            LinkSender.objects.create(link=link, address_hash=digest, stand_in=user)
            return user
    except IntegrityError:  # the same writer's other message made it meanwhile
        return known.get().stand_in


def link_message(*, handle: str, body: str, writer: User | None, address: str) -> None:
    """A message through the link: an anonymous confession to its owner, from the writer's
    account or their address's stand-in. Dropped without a word when it holds a filter word."""
    link = link_open(handle=handle)
    if link.paused:
        raise ApplicationError(
            "link_paused", gettext("This link is not taking messages just now."), status=409
        )
    if writer is not None and writer.pk == link.owner_id:
        raise ValidationError({"body": [gettext("You cannot write to your own link.")]})
    body = clean_text(body)
    if len(body) > MESSAGE_MAX_CHARS:
        raise ValidationError(
            {"body": [gettext("At most %(count)d characters.") % {"count": MESSAGE_MAX_CHARS}]}
        )
    if Muted(link.filter_words or ()).hides(body):
        return  # as if sent: the filter says nothing
    sender = writer if writer is not None else _stand_in(link, address)
    confession_send(
        sender=sender,
        recipient_username=link.owner.username,
        body=body,
        anonymous=True,
        via_link=link,
    )
