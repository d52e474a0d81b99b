"""Claims: who is on an item now (moderation.models.Claim). Opening an item claims it for
MODERATION_CLAIM_MINUTES unless someone else holds it; a decision on an item another
moderator holds is refused, with who has it."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import User
from core.errors import ApplicationError
from moderation.models import Claim


def _about(model: type[Model], object_id: int) -> dict[str, object]:
    return {"content_type": ContentType.objects.get_for_model(model), "object_id": object_id}


@transaction.atomic
def claim(*, moderator: User, model: type[Model], object_id: int) -> Claim:
    """Claim the item for `moderator` (renewing their own claim), or return the claim someone
    else holds on it."""
    now = timezone.now()
    until = now + timedelta(minutes=settings.MODERATION_CLAIM_MINUTES)
    held = Claim.objects.select_for_update().filter(**_about(model, object_id)).first()
    if held is not None and held.moderator_id != moderator.pk and held.until > now:
        return held
    if held is None:
        return Claim.objects.create(**_about(model, object_id), moderator=moderator, until=until)
    held.moderator, held.until = moderator, until
    held.save(update_fields=["moderator", "until"])
    return held


def held_by_others(
    *, moderator: User, model: type[Model], object_ids: list[int] | None
) -> dict[int, Claim]:
    """The items among `object_ids` (None: all) someone else is on now, with their claims."""
    claims = Claim.objects.filter(
        content_type=ContentType.objects.get_for_model(model), until__gt=timezone.now()
    ).exclude(moderator=moderator)
    if object_ids is not None:
        claims = claims.filter(object_id__in=object_ids)
    return {held.object_id: held for held in claims.select_related("moderator")}


def check_free(*, moderator: User, model: type[Model], object_id: int) -> None:
    """409 `claimed` while another moderator is on the item."""
    held = held_by_others(moderator=moderator, model=model, object_ids=[object_id])
    if object_id in held:
        raise ApplicationError(
            "claimed",
            gettext("%(moderator)s is on this item until %(until)s.")
            % {
                "moderator": held[object_id].moderator.get_username(),
                "until": timezone.localtime(held[object_id].until).strftime("%H:%M"),
            },
            status=409,
        )


def release(*, moderator: User, model: type[Model], object_id: int) -> None:
    """The moderator decided: the item is free again."""
    Claim.objects.filter(**_about(model, object_id), moderator=moderator).delete()
