"""Reports and moderators' decisions, for any target (a confession, a reply, a wall post, a
comment: a row with a `status` of pending, approved, rejected or hidden). The features decide
what a decision does to their content and whom it tells; this module keeps the record: the
audit log, the reports a decision resolves, and the rule that hides what enough people
reported until a moderator looks."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from accounts.models import User
from core.errors import ApplicationError
from core.moderated import Moderated, Status
from moderation.models import Decision, ReasonCategory, Report


def _about(target: Moderated) -> dict[str, Any]:
    return {
        "content_type": ContentType.objects.get_for_model(type(target)),
        "object_id": target.pk,
    }


def decision_record(
    *,
    target: Moderated,
    moderator: User | None,
    action: str,
    from_status: str,
    to_status: str,
    reason: str = "",
    note: str = "",
) -> Decision:
    """One line of the audit log (`moderator` None: the system decided)."""
    return Decision.objects.create(
        **_about(target),
        moderator=moderator,
        action=action,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        note=note[:500],
    )


def open_reports(target: Moderated) -> models.QuerySet[Report]:
    return Report.objects.filter(**_about(target), resolved_at=None)


def reports_resolve(target: Moderated, outcome: str) -> list[Report]:
    """Close `target`'s open reports with `outcome`; returns them (reporters loaded), for the
    feature to tell whom it tells."""
    reports = list(open_reports(target).select_related("reporter"))
    Report.objects.filter(pk__in=[report.pk for report in reports]).update(
        resolved_at=timezone.now(), outcome=outcome
    )
    return reports


# What a second report of the same thing says, by the model's verbose name.
_ALREADY_REPORTED = {
    "confession": gettext_lazy("You already reported this confession."),
    "post": gettext_lazy("You already reported this post."),
    "comment": gettext_lazy("You already reported this comment."),
}


def report_file(*, target: Moderated, reporter: User, category: str, text: str = "") -> Report:
    """`reporter` reports `target` (the feature has checked they may see it): once each
    (409 `already_reported` after). When REPORTS_TO_HIDE distinct users have open reports on
    an approved target, it is hidden until a moderator decides, and the log says so."""
    if category not in ReasonCategory.values:
        choices = ", ".join(ReasonCategory.values)
        raise ValidationError(
            {"category": [gettext("One of: %(choices)s.") % {"choices": choices}]}
        )
    model = type(target)
    noun = model._meta.verbose_name
    with transaction.atomic():
        # The target's row lock orders concurrent reports, so the count below sees them all.
        status = (
            model._default_manager.select_for_update()
            .filter(pk=target.pk)
            .values_list("status", flat=True)
            .first()
        )
        try:
            with transaction.atomic():
                report = Report.objects.create(
                    **_about(target), reporter=reporter, category=category, text=text.strip()
                )
        except IntegrityError:
            raise ApplicationError(
                "already_reported",
                str(_ALREADY_REPORTED[str(noun)]),
                status=409,
            ) from None
        reporters = open_reports(target).values("reporter").distinct().count()
        if reporters >= settings.REPORTS_TO_HIDE and status == Status.APPROVED:
            model._default_manager.filter(pk=target.pk).update(status=Status.HIDDEN)
            decision_record(
                target=target,
                moderator=None,
                action=Decision.Action.AUTO_HIDE,
                from_status=Status.APPROVED,
                to_status=Status.HIDDEN,
                reason=category,
                note=f"{reporters} users reported it",
            )
    return report


MODERATORS_GROUP = "Moderators"


@transaction.atomic
def moderator_add(*, user: User) -> None:
    """Staff status (to sign in to the admin) and the Moderators group (exactly what a
    moderator may do: messages_app and walls' migrations give it its permissions)."""
    if not user.is_active:
        raise ValidationError(gettext("A banned or deleted account cannot moderate."))
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.add(Group.objects.get(name=MODERATORS_GROUP))


@transaction.atomic
def moderator_remove(*, user: User) -> None:
    """Out of the Moderators group; staff status goes too unless they are a superuser or in
    another group (another staff role)."""
    user.groups.remove(Group.objects.get(name=MODERATORS_GROUP))
    if not user.is_superuser and not user.groups.exists():
        user.is_staff = False
        user.save(update_fields=["is_staff"])
