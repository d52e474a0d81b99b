"""An author's record, for the moderator who looks at something they wrote: numbers only
(items rejected or hidden, reports upheld, the sanction in force) over MODERATION_RECORD_DAYS,
across every moderated kind. For an anonymous author moderators learn the record, never the
identity: nothing here names anyone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import User
from core.moderated import Status, moderated_kinds
from moderation.models import Report, Sanction


@dataclass
class Record:
    taken_down: int = 0  # items rejected or hidden
    upheld: int = 0  # reports on their items that ended in a take-down
    sanction: str = ""  # "muted", "banned" or ""
    sanctions: int = 0  # sanctions over the window, for the ladder's next step

    @property
    def next_step(self) -> tuple[str, int]:
        """SANCTION_LADDER's step for the next sanction: (kind, hours; 0 for good)."""
        ladder = settings.SANCTION_LADDER
        return ladder[min(self.sanctions, len(ladder) - 1)]

    def __str__(self) -> str:
        parts = [
            gettext("%(count)d taken down") % {"count": self.taken_down},
            gettext("%(count)d reports upheld") % {"count": self.upheld},
        ]
        if self.sanction == "muted":
            parts.append(gettext("muted now"))
        elif self.sanction == "banned":
            parts.append(gettext("banned now"))
        if self.taken_down or self.upheld or self.sanctions:
            parts.append(gettext("next: %(step)s") % {"step": _step(*self.next_step)})
        return " · ".join(parts)


def _step(kind: str, hours: int) -> str:
    if kind == "warning":
        return gettext("a warning")
    if kind == "mute":
        if hours:
            return gettext("a mute of %(hours)d h") % {"hours": hours}
        return gettext("a mute for good")
    if hours:
        return gettext("a ban of %(hours)d h") % {"hours": hours}
    return gettext("a ban for good")


def records_of(author_ids: set[int]) -> dict[int, Record]:
    """Each author's record over the last MODERATION_RECORD_DAYS (a few queries a kind,
    whatever the number of authors)."""
    records = {author: Record() for author in author_ids}
    if not records:
        return records
    since = timezone.now() - timedelta(days=settings.MODERATION_RECORD_DAYS)
    for model in moderated_kinds():
        author = f"{model.author_field}_id"
        theirs = model._default_manager.filter(**{f"{author}__in": author_ids})
        # Every kind has a created_at (the base does not declare it).
        recent = {"created_at__gte": since}
        down = theirs.filter(status__in=(Status.REJECTED, Status.HIDDEN), **recent)
        for row in down.order_by().values(author).annotate(n=Count("pk")):
            records[row[author]].taken_down += row["n"]
        upheld = (
            Report.objects.filter(
                content_type=ContentType.objects.get_for_model(model),
                outcome=Report.Outcome.REMOVED,
                created_at__gte=since,
                object_id__in=theirs.values("pk"),
            )
            .annotate(
                author=Subquery(
                    model._default_manager.filter(pk=OuterRef("object_id")).values(author)[:1]
                )
            )
            .order_by()
            .values("author")
            .annotate(n=Count("pk"))
        )
        for row in upheld:
            records[row["author"]].upheld += row["n"]
    counted = Sanction.objects.filter(user__in=author_ids, created_at__gte=since)
    for row in counted.order_by().values("user").annotate(n=Count("pk")):
        records[row["user"]].sanctions = row["n"]
    now = timezone.now()
    for user in User.objects.filter(pk__in=author_ids).only("is_active", "muted_until"):
        if not user.is_active:
            records[user.pk].sanction = "banned"
        elif user.muted_until is not None and user.muted_until > now:
            records[user.pk].sanction = "muted"
    return records
