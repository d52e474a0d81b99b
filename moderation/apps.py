from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = "Moderation"

    def ready(self) -> None:
        from accounts import text_checks
        from media_app import checks as media_checks
        from moderation import checkers, images

        text_checks.register(checkers.profile_check)
        media_checks.on_verdict(images.image_decided)
