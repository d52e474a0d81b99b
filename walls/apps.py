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

        images.register(Post, approve=services.image_approve, reject=services.image_reject)
        previews.register(events.COMMENTED, selectors.comment_previews)
        for event_type in (events.LIKED, events.MODERATED):
            previews.register(event_type, selectors.post_previews)
