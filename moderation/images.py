"""WeChat's image checks (`media_app.checks`) as moderation sees them, for every kind of
content that carries images. A text that passed the chain but carries an image WeChat has not
decided about waits, pending, with `IMAGE_HOLD` as its note. When WeChat decides, each held
target hears it through the kind's own approve and reject (so a confession is delivered, a
post goes public, and the audit log says the system decided):
- a rejected image rejects whatever carries it, with WeChat's label as the reason category;
- once all of a target's images passed, one held only for its images is approved;
- an image sent to WeChat's human review leaves the target for moderators, its note saying why.

A kind registers itself in its app's `AppConfig.ready()` (core.registry):
`images.kinds.register(ImageKind(Post, approve=..., reject=...))`, a `Moderated` model with
`attachments` (rows with a `media` foreign key)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from core.moderated import Moderated, Status
from core.registry import Registry
from media_app.models import Media

IMAGE_HOLD = "image check: waiting for WeChat"
# WeChat's image labels (media_check_async) as the reason categories authors are told.
IMAGE_LABEL_CATEGORIES = {"20002": "sexual", "20003": "harassment", "10001": "spam"}


@dataclass(frozen=True)
class ImageKind:
    model: type[Moderated]
    approve: Callable[..., object]  # (target_id=, note=)
    reject: Callable[..., object]  # (target_id=, reason=, note=)


kinds: Registry[ImageKind] = Registry("moderation.image_kinds", key=lambda kind: kind.model)


def holds(media: list[Media]) -> bool:
    """Whether these images hold a text the chain passed."""
    return any(item.status == Status.PENDING for item in media)


def image_decided(media: Media) -> None:
    """Listener of `media_app.checks.verdict_listeners`, inside the verdict's transaction."""
    for kind in kinds:
        held = kind.model.objects.filter(attachments__media=media, status=Status.PENDING).distinct()
        for target in held.only("pk", "moderation_note"):
            if media.check_status == Media.Check.REJECTED:
                reason = IMAGE_LABEL_CATEGORIES.get(media.check_label, "other")
                kind.reject(
                    target_id=target.pk,
                    reason=reason,
                    note=f"image check: rejected ({media.check_label})",
                )
            elif target.moderation_note != IMAGE_HOLD:
                continue  # held for another reason: a moderator decides
            elif media.check_status == Media.Check.PASSED:
                statuses = set(target.attachments.values_list("media__check_status", flat=True))
                if statuses <= {Media.Check.PASSED, Media.Check.UNCHECKED}:
                    kind.approve(target_id=target.pk, note="image check: passed")
            elif media.check_status == Media.Check.REVIEW:
                kind.model.objects.filter(pk=target.pk).update(
                    moderation_note=f"image check: for moderators ({media.check_label})"
                )
