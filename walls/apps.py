from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class WallsConfig(AppConfig):
    name = "walls"
    verbose_name = gettext_lazy("Confession walls")

    def ready(self) -> None:
        from core import names

        names.translate(self.get_models())
        from moderation import images
        from realtime import previews
        from walls import events, selectors, services
        from walls.models import Post

        images.kinds.register(
            images.ImageKind(Post, approve=services.image_approve, reject=services.image_reject)
        )
        previews.providers.register(selectors.comment_previews, key=events.COMMENTED)
        for event_type in (events.LIKED, events.MODERATED):
            previews.providers.register(selectors.post_previews, key=event_type)
