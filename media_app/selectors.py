"""Reads of media_app that carry a rule."""

from __future__ import annotations

from django.http import Http404

from accounts.models import User
from media_app.models import Media


def media_get_for_viewer(*, user: User, media_id: int) -> Media:
    """The media, if `user` owns it or is staff; anyone else gets 404 (ids leak nothing).
    Recipients never come here: the confession payload renders its media for them."""
    media = Media.objects.filter(pk=media_id).first()
    if media is None or not (media.owner_id == user.pk or user.is_staff):
        raise Http404
    return media
