from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class WallsConfig(AppConfig):
    name = "walls"
    verbose_name = gettext_lazy("Confession walls")

    def ready(self) -> None:
        from core import names

        names.translate(self.get_models())
        from django.db.models import Q

        from core.moderated import Status
        from moderation import appeals, images
        from moderation import desk as moderation_desk
        from realtime import previews
        from walls import desk, events, selectors, services
        from walls.models import Comment, Post

        images.kinds.register(
            images.ImageKind(Post, approve=services.image_approve, reject=services.image_reject)
        )
        previews.providers.register(selectors.comment_previews, key=events.COMMENTED)
        appeals.kinds.register(
            appeals.AppealableKind(
                "post",
                Post,
                restore=services.post_restore,
                taken_down=Q(status__in=(Status.REJECTED, Status.HIDDEN)) | ~Q(folded_reason=""),
            )
        )
        appeals.kinds.register(
            appeals.AppealableKind("comment", Comment, restore=services.comment_restore)
        )
        for desk_kind in (desk.POSTS, desk.COMMENTS):
            moderation_desk.kinds.register(desk_kind)
        for event_type in (events.LIKED, events.MODERATED):
            previews.providers.register(selectors.post_previews, key=event_type)
