"""media_app as accounts' avatar handler (`accounts.avatars`), registered in
`MediaAppConfig.ready()`: an avatar is an image of the user's own, marked in use like any media
a confession carries, so one rule (`Media.attached_at`) says whether media is in use."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext

from accounts.models import User
from media_app import rendering, services
from media_app.models import Media


class MediaAvatars:
    def take(self, *, user: User, media_id: int) -> Media:
        media = Media.objects.filter(pk=media_id, owner=user, kind=Media.Kind.IMAGE).first()
        if media is None:
            raise ValidationError({"avatar": [gettext("No such image of yours.")]})
        try:
            services.media_attach(media=[media])
        except ValidationError:
            # The same object under a named profile and in an anonymous confession would
            # tell the recipient who sent it.
            raise ValidationError(
                {
                    "avatar": [
                        gettext(
                            "This image is already in use: a photo sent in a "
                            "confession cannot be an avatar."
                        )
                    ]
                }
            ) from None
        return media

    def release(self, *, media_id: int) -> None:
        Media.objects.filter(pk=media_id).delete()  # its objects go after commit

    def url(self, media: Media, *, request: HttpRequest | None) -> str:
        return rendering.avatar_url(media, request=request)

    def under_check(self, media: Media) -> bool:
        return media.check_status in (Media.Check.CHECKING, Media.Check.REVIEW)


def avatar_decided(media: Media) -> None:
    """WeChat's image check decided about a held avatar (media_app.checks): passed, it becomes
    its owner's avatar (the one it replaces is released); otherwise it is dropped. One sent to
    moderators stays held until a moderator passes it."""
    owner = User.objects.filter(pending_avatar=media).first()
    if owner is None:
        return
    if media.check_status == Media.Check.PASSED:
        previous = owner.avatar_id
        User.objects.filter(pk=owner.pk).update(avatar=media, pending_avatar=None)
        if previous is not None:
            MediaAvatars().release(media_id=previous)
    elif media.check_status == Media.Check.REJECTED:
        User.objects.filter(pk=owner.pk).update(pending_avatar=None)
        Media.objects.filter(pk=media.pk).delete()  # (the instance keeps its pk for others)
