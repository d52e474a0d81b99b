"""Appeals: the author of a confession, reply, post or comment moderators took down (rejected
or hidden; a post folded too), and a sanctioned user, may ask once, with a short text, for
another look. Appeals form their own queue; the decision (upheld or overturned, with a note)
is told to the user and logged; an overturned take-down restores the item through its
feature (the kinds register how, in `kinds`), an overturned sanction ends."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import User
from core.errors import ApplicationError
from core.moderated import Moderated, Status
from core.registry import Registry
from moderation import events, sanctions
from moderation.models import Appeal, Decision, Sanction
from moderation.services import decision_record
from realtime.services import notify

SANCTION = "sanction"


_TAKEN_DOWN = Q(status__in=(Status.REJECTED, Status.HIDDEN))


@dataclass(frozen=True)
class AppealableKind:
    name: str  # as clients name it: "confession", "reply", "post", "comment"
    model: type[Moderated]
    restore: Callable[..., object]  # (moderator=, target_id=, note=): as before the measure
    # What moderators did to it that its author may appeal (a post: folded too).
    taken_down: Q = _TAKEN_DOWN


kinds: Registry[AppealableKind] = Registry("moderation.appealable_kinds", key=lambda k: k.name)


# A banned user cannot sign in; signing in answers 403 with this token (`ban_details`), which
# `POST /appeals` takes instead of a bearer token to appeal that ban, for a week.
APPEAL_SALT = "moderation.appeals.ban"  # a signing salt, not a secret
APPEAL_TOKEN_SECONDS = 7 * 24 * 3600


def ban_details(user: User) -> dict[str, object]:
    """What a banned user who proved who they are learns: the ban in force (its reason, its
    end: null for good) and the token to appeal it with. Nothing for a ban without a
    sanction (an account a superuser deactivated)."""
    ban = (
        Sanction.objects.filter(user=user, kind=Sanction.Kind.BAN, ended_at__isnull=True)
        .order_by("-created_at", "-id")
        .first()
    )
    if ban is None:
        return {}
    token = signing.dumps({"user": user.pk, "sanction": ban.pk}, salt=APPEAL_SALT)
    return {
        "reason": ban.reason,
        "until": ban.until.isoformat() if ban.until else None,
        "sanction_id": ban.pk,
        "appeal_token": token,
    }


def appellant_of(token: str, sanction_id: int) -> User:
    """The banned user an appeal token was given to, for that ban only; 401 otherwise."""
    try:
        signed = signing.loads(token, salt=APPEAL_SALT, max_age=APPEAL_TOKEN_SECONDS)
    except signing.BadSignature:
        signed = None
    user = None
    if isinstance(signed, dict) and signed.get("sanction") == sanction_id:
        user = User.objects.filter(pk=int(signed.get("user") or 0)).first()
    if user is None:
        raise ApplicationError(
            "invalid_appeal_token",
            gettext("This appeal token is not valid (any more): sign in again for a new one."),
            status=401,
        )
    return user


@transaction.atomic
def appeal_create(*, user: User, kind: str, target_id: int, text: str) -> Appeal:
    """201; 404 for what is not the user's to appeal (not theirs, not taken down: as for what
    does not exist); 409 `already_appealed` the second time."""
    text = text.strip()
    if not text:
        raise ApplicationError("validation_error", gettext("Say why, in a few words."))
    if kind == SANCTION:
        if not Sanction.objects.filter(pk=target_id, user=user).exists():
            raise Http404
    else:
        appealable = kinds.get(kind)
        if appealable is None:
            raise ApplicationError(
                "validation_error",
                gettext("One of: %(kinds)s.")
                % {"kinds": ", ".join([*sorted(str(k) for k in kinds.items()), SANCTION])},
            )
        model = appealable.model
        mine = {model.author_field: user, "pk": target_id}
        if not model._default_manager.filter(appealable.taken_down, **mine).exists():
            raise Http404
    try:
        with transaction.atomic():
            return Appeal.objects.create(
                appellant=user, kind=kind, target_id=target_id, text=text[:500]
            )
    except IntegrityError:
        raise ApplicationError(
            "already_appealed", gettext("You have already appealed this."), status=409
        ) from None


@transaction.atomic
def appeal_decide(
    *, moderator: User | None, appeal_id: int, overturn: bool, note: str = ""
) -> Appeal:
    """Uphold or overturn a waiting appeal; the appellant is told, with the note."""
    appeal = Appeal.objects.select_for_update().get(pk=appeal_id)
    if appeal.status != Appeal.Status.PENDING:
        raise ApplicationError(
            "already_decided", gettext("Someone has already decided this appeal."), status=409
        )
    if overturn:
        if appeal.kind == SANCTION:
            sanctions.sanction_lift(
                sanction=Sanction.objects.get(pk=appeal.target_id), moderator=moderator, note=note
            )
        else:
            appealable = kinds.items()[appeal.kind]
            appealable.restore(moderator=moderator, target_id=appeal.target_id, note=note)
    appeal.status = Appeal.Status.OVERTURNED if overturn else Appeal.Status.UPHELD
    appeal.note, appeal.decided_by, appeal.decided_at = note[:500], moderator, timezone.now()
    appeal.save(update_fields=["status", "note", "decided_by", "decided_at"])
    decision_record(
        target=appeal,  # type: ignore[arg-type]  # the audit log records appeals too
        moderator=moderator,
        action=Decision.Action.OVERTURN if overturn else Decision.Action.UPHOLD,
        from_status=Appeal.Status.PENDING,
        to_status=appeal.status,
        note=note,
    )
    notify(
        user=appeal.appellant,
        **events.appeal_decided(
            appeal_id=appeal.pk,
            kind=appeal.kind,
            target_id=appeal.target_id,
            outcome=appeal.status,
            note=appeal.note,
        ),
    )
    return appeal
