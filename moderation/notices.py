"""A notice to an author without learning who they are: a moderator writes to the authors of
items; each author reads it once, as a notification from "the moderators", with the ids of
their items it is about; the audit log keeps it."""

from __future__ import annotations

from django.db import transaction

from accounts.models import User
from core.moderated import Moderated
from moderation import events
from moderation.models import Decision
from moderation.services import decision_record
from realtime.services import notify


@transaction.atomic
def notice_authors(
    *, model: type[Moderated], target_ids: list[int], moderator: User | None, message: str
) -> int:
    """Tell each author of these items `message` once; returns how many authors."""
    author = f"{model.author_field}_id"
    items = list(model._default_manager.filter(pk__in=target_ids).order_by("pk"))
    about: dict[int, list[int]] = {}
    for item in items:
        about.setdefault(getattr(item, author), []).append(item.pk)
        decision_record(
            target=item,
            moderator=moderator,
            action=Decision.Action.NOTICE,
            from_status=item.status,
            to_status=item.status,
            note=message,
        )
    kind = model._meta.model_name or ""
    for user in User.objects.filter(pk__in=about, is_active=True):
        notify(user=user, **events.notice(message=message, kind=kind, ids=about[user.pk]))
    return len(about)
