"""What an anonymous sender may say of themselves: up to HINTS_MAX hints (`confession.hinted`
to the recipient), and, for good, who they are (`confession.reveal`: `confession.revealed`).

Only the sender of an anonymous confession that has a recipient (a share link's, once claimed:
before, anyone holding the link would learn it). A confession that does not reach its
recipient (suppressed by a block, removed, hidden) takes hints and a reveal as any other, to
the sender's eyes, and tells the recipient nothing: refusing would say it does not reach them.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from accounts.models import User
from authoring.rates import check_rate, in_the_window
from authoring.sanctions import check_may_write
from authoring.text import clean_text
from core.compiled import CompiledQuery
from core.errors import ApplicationError
from messages_app import events, selectors
from messages_app.models import Confession, Hint
from moderation import checkers
from realtime.services import notify

HINTS_MAX = 3
HINT_MAX_CHARS = 100
HINTS_PER_HOUR = 20
_HINTS_PER_HOUR = gettext_lazy("At most %(limit)d hints an hour.")
_recent_hints = CompiledQuery(
    in_the_window(Hint, "confession__sender_id"), author=int, since=datetime
)


def _own_anonymous(user: User, confession_id: int) -> Confession:
    """The user's own anonymous, addressed confession, locked; 404 for anyone else's (the
    recipient's: 403), 409 when it is not anonymous (or no more) or has no recipient yet."""
    confession = selectors.confession_get_for_user(user=user, confession_id=confession_id)
    if confession.sender_id != user.pk:
        raise PermissionDenied
    confession = (
        Confession.objects.select_for_update(of=("self",))
        .select_related("recipient")
        .get(pk=confession.pk)
    )
    if not confession.anonymous:
        raise ApplicationError(
            "not_anonymous", gettext("They already know this confession is from you."), status=409
        )
    if confession.recipient_id is None:
        raise ApplicationError(
            "not_claimed",
            gettext("Nobody has claimed this share link yet: anyone with it would see."),
            status=409,
        )
    return confession


def _reaches_recipient(confession: Confession) -> User | None:
    """Its recipient, where the confession is in their inbox now; else None."""
    visible = selectors.visible_to_recipient(
        confession_id=confession.pk, recipient_id=confession.recipient_id
    )
    return confession.recipient if visible else None


def hint_add(*, user: User, confession_id: int, text: str) -> Hint:
    check_may_write(user)
    text = clean_text(text)
    if len(text) > HINT_MAX_CHARS:
        raise ValidationError(
            {"text": [gettext("At most %(count)d characters.") % {"count": HINT_MAX_CHARS}]}
        )
    check_rate(_recent_hints, author_id=user.pk, limit=HINTS_PER_HOUR, message=_HINTS_PER_HOUR)
    verdict = checkers.check_or_refuse(text, author=user, done="sent")
    if verdict.kind != "pass":
        # No review queue for a line this short: what the chain would hold is not sent.
        raise ApplicationError(
            "content_rejected",
            gettext("This hint cannot be sent: it needs a moderator's look. Say it otherwise."),
        )
    with transaction.atomic():
        confession = _own_anonymous(user, confession_id)
        if Hint.objects.filter(confession=confession).count() >= HINTS_MAX:
            raise ApplicationError(
                "hints_used",
                gettext("At most %(count)d hints to a confession.") % {"count": HINTS_MAX},
                status=409,
            )
        hint = Hint.objects.create(confession=confession, text=text)
        recipient = _reaches_recipient(confession)
        if recipient is not None:
            notify(
                user=recipient,
                preview=text,
                **events.confession_hinted(confession_id=confession.pk, hint_id=hint.pk, text=text),
            )
    return hint


def confession_reveal(*, user: User, confession_id: int) -> Confession:
    """The sender chooses to be known: for good, to the recipient, in every payload from now."""
    check_may_write(user)
    with transaction.atomic():
        confession = _own_anonymous(user, confession_id)
        confession.anonymous = False
        confession.revealed_at = timezone.now()
        confession.save(update_fields=["anonymous", "revealed_at"])
        recipient = _reaches_recipient(confession)
        if recipient is not None:
            notify(
                user=recipient,
                **events.confession_revealed(confession_id=confession.pk, sender=user),
            )
    return confession


def hints_of(*, user: User, confession_id: int) -> list[Hint]:
    """The hints of a confession its sender or recipient may see (404 for anyone else)."""
    confession = selectors.confession_get_for_user(user=user, confession_id=confession_id)
    return list(Hint.objects.filter(confession=confession))
