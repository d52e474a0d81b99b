from django.apps import AppConfig


class MediaAppConfig(AppConfig):
    name = "media_app"
    verbose_name = "Media"

    def ready(self) -> None:
        from accounts import avatars
        from background import periodic
        from media_app import receivers, tasks  # noqa: F401  (receivers connect themselves)
        from media_app.avatars import MediaAvatars

        avatars.register(MediaAvatars())
        periodic.register("media_cleanup", tasks.media_cleanup)
