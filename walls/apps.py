from django.apps import AppConfig


class WallsConfig(AppConfig):
    name = "walls"
    verbose_name = "Confession walls"

    def ready(self) -> None:
        from media_app import checks as media_checks
        from realtime import previews
        from walls import events, selectors, services

        media_checks.on_verdict(services.image_decided)
        previews.register(events.COMMENTED, selectors.comment_previews)
        for event_type in (events.LIKED, events.MODERATED):
            previews.register(event_type, selectors.post_previews)
