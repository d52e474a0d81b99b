from django.apps import AppConfig


class MediaAppConfig(AppConfig):
    name = "media_app"
    verbose_name = "Media"

    def ready(self) -> None:
        from accounts import avatars
        from media_app import receivers  # noqa: F401  (connects the signal receivers)
        from media_app.avatars import MediaAvatars

        avatars.register(MediaAvatars())
