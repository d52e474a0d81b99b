from django.apps import AppConfig


class MessagesAppConfig(AppConfig):
    name = "messages_app"
    verbose_name = "Confessions"

    def ready(self) -> None:
        from accounts import text_checks
        from messages_app import checkers, events  # noqa: F401  (events registers the types)

        text_checks.register(checkers.profile_check)

        from media_app import checks as media_checks
        from messages_app.services import decisions

        media_checks.on_verdict(decisions.image_decided)

        from messages_app import selectors
        from realtime import previews

        for event_type in (events.RECEIVED, events.READ, events.MATCHED, events.CLAIMED):
            previews.register(event_type, selectors.confession_previews)
        previews.register(events.REPLIED, selectors.reply_previews)
