"""The one moderation vocabulary, at the bottom of the house so that every kind of content can
carry it, whichever app it lives in: where a piece of content stands (`Status`) and the
abstract base every moderated kind inherits (`Moderated`: a confession, a reply, a wall post, a
comment, a held profile text, a media item). The `moderation` app keeps reports and decisions
and acts on this base; it knows no feature's model."""

from __future__ import annotations

from typing import ClassVar

from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils.translation import gettext_lazy


class Status(models.TextChoices):
    """Where a piece of content stands with moderation, whatever its kind."""

    PENDING = "pending", gettext_lazy("Pending review")
    APPROVED = "approved", gettext_lazy("Approved")
    REJECTED = "rejected", gettext_lazy("Rejected")
    HIDDEN = "hidden", gettext_lazy("Hidden by moderators")


class ReasonCategory(models.TextChoices):
    """Why something was reported or taken down; the only reason an author is shown."""

    HARASSMENT = "harassment", gettext_lazy("Harassment")
    SPAM = "spam", gettext_lazy("Spam")
    SEXUAL = "sexual", gettext_lazy("Sexual content")
    HATE = "hate", gettext_lazy("Hate")
    SELF_HARM = "self_harm", gettext_lazy("Self-harm")
    OTHER = "other", gettext_lazy("Other")


class Moderated(models.Model):
    """A moderated kind of content: its status, why it was held (for the moderator who looks
    at it), and its reports and decisions, which go with it (the `moderation` app's models,
    named by string: this module imports no app). A kind whose writes decide the status each
    time (a reply) still starts as pending: nothing is public by default."""

    Status = Status
    # The field naming who wrote it (a confession's is its sender): moderators act on it
    # (moderation.sanctions.sanction_authors) without being shown it.
    author_field: ClassVar[str] = "author"

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    moderation_note = models.CharField(max_length=255, blank=True)
    reports = GenericRelation("moderation.Report", related_query_name="%(class)s")
    decisions = GenericRelation("moderation.Decision", related_query_name="%(class)s")

    class Meta:
        abstract = True


def moderated_kinds() -> list[type[Moderated]]:
    """Every moderated kind of the project, each once (a proxy, such as the confessions'
    queue, is its kind again)."""
    from django.apps import apps

    return [
        model
        for model in apps.get_models()
        if issubclass(model, Moderated) and not model._meta.proxy
    ]
