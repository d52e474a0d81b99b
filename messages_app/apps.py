from django.apps import AppConfig


class MessagesAppConfig(AppConfig):
    name = "messages_app"
    verbose_name = "Confessions"

    def ready(self) -> None:
        from messages_app import events  # noqa: F401  (registers the event types)
