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
