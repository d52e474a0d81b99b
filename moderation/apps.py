from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = gettext_lazy("Moderation")

    def ready(self) -> None:
        from core import names

        names.translate(self.get_models())
        from accounts import text_checks
        from media_app import checks as media_checks
        from moderation import checkers, images

        text_checks.profile_check.register(checkers.profile_check)
        from accounts import signals
        from moderation import appeals

        signals.disabled_details.register(appeals.ban_details)
        from core import metrics
        from moderation import desk

        metrics.scraped.register(desk.queue_metrics)
        media_checks.verdict_listeners.register(images.image_decided)
        from background import periodic
        from moderation import events, tasks  # noqa: F401  (events declares its types)

        periodic.jobs.register(tasks.sanctions_expire, key="sanctions_expire")
