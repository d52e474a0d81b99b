from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class MediaAppConfig(AppConfig):
    name = "media_app"
    verbose_name = gettext_lazy("Media")

    def ready(self) -> None:
        from core import names

        names.translate(self.get_models())
        from accounts import avatars
        from background import periodic
        from media_app import checks, receivers, tasks  # noqa: F401  (receivers connect themselves)
        from media_app.avatars import MediaAvatars, avatar_decided

        avatars.avatar_handler.register(MediaAvatars())
        checks.verdict_listeners.register(avatar_decided)
        periodic.jobs.register(tasks.media_cleanup, key="media_cleanup")
