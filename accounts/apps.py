from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = gettext_lazy("Accounts")

    def ready(self) -> None:
        from core import names

        names.translate(self.get_models())
        from accounts import tasks
        from background import periodic

        periodic.jobs.register(tasks.tokens_flush, key="tokens_flush")
