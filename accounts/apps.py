from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from accounts import tasks
        from background import periodic

        periodic.register("tokens_flush", tasks.tokens_flush)
